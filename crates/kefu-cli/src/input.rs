//! Reading the files named on the command line, with a size limit.
//!
//! Every file the CLI reads goes through [`read_text`]: a definition file (a calendar, a script) is a few
//! kilobytes, so anything larger than [`FILE_LIMIT`] is refused with an error naming the file and the limit
//! instead of being read into memory (`-c /dev/zero` would otherwise grow without bound).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::error::CliError;

/// The largest definition file the CLI reads: 16 MiB, thousands of times a real calendar or script.
pub const FILE_LIMIT: u64 = 16 * 1024 * 1024;

/// Reads the UTF-8 text of `path`, at most [`FILE_LIMIT`] bytes of it. `what` names the kind of file in errors
/// (`calendar`, `script`).
///
/// # Errors
///
/// [`CliError::Read`] when it cannot be opened or read, [`CliError::TooLarge`] past the limit (nothing more is
/// read), [`CliError::NotUtf8`] when it is not text.
pub fn read_text(path: &Path, what: &'static str) -> Result<String, CliError> {
    read_text_limited(path, what, FILE_LIMIT)
}

fn read_text_limited(path: &Path, what: &'static str, limit: u64) -> Result<String, CliError> {
    let read_error = |source| CliError::Read { path: path.to_owned(), what, source };
    let file = File::open(path).map_err(read_error)?;
    // A hint for the buffer, never trusted: /dev/zero and pipes report 0, a file may grow while it is read.
    let hint = file.metadata().map(|m| m.len().min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    // One byte more than the limit tells "exactly the limit" from "larger".
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(read_error)?;
    if u64::try_from(bytes.len()).map_or(true, |len| len > limit) {
        return Err(CliError::TooLarge { path: path.to_owned(), what, limit });
    }
    String::from_utf8(bytes).map_err(|e| CliError::NotUtf8 {
        path: path.to_owned(),
        what,
        valid_up_to: e.utf8_error().valid_up_to(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("kefu-input-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).expect("write a temp file");
        path
    }

    #[test]
    fn a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_refused() {
        let at_limit = temp_file("at-limit", &[b'a'; 100]);
        assert_eq!(read_text_limited(&at_limit, "calendar", 100).map(|t| t.len()).ok(), Some(100));
        let over = temp_file("over", &[b'a'; 101]);
        let e = read_text_limited(&over, "calendar", 100).expect_err("over the limit");
        assert!(matches!(e, CliError::TooLarge { limit: 100, .. }), "{e:?}");
        for path in [at_limit, over] {
            let _ = std::fs::remove_file(path);
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_endless_file_stops_at_the_limit() {
        let e = read_text_limited(Path::new("/dev/zero"), "calendar", 1024).expect_err("endless");
        assert!(matches!(e, CliError::TooLarge { limit: 1024, .. }), "{e:?}");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_named() {
        let path = temp_file("latin1", b"time_zone = \"Europe/Z\xfcrich\"\n");
        let e = read_text(&path, "calendar").expect_err("latin-1");
        assert!(matches!(e, CliError::NotUtf8 { valid_up_to: 21, .. }), "{e:?}");
        let _ = std::fs::remove_file(path);
    }
}
