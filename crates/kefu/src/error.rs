//! Helpers for error messages that repeat what the user gave.
//!
//! A message names the bad value so that it can be found and fixed, but a value can be anything a file or a pipe
//! holds: a 100 MB field must not make a 100 MB error line. [`excerpt`] repeats a value whole when it is short and
//! cuts it otherwise, saying how long it was; [`cut_lines`] bounds every line of a longer message (a parser's,
//! which may quote a whole line of the input). Every message of kefu that quotes user text goes through one of them.
//!
//! ```
//! use kefu::error::{cut_lines, excerpt};
//!
//! assert_eq!(excerpt("P1M").to_string(), "P1M");
//! let long = "x".repeat(1_000);
//! assert_eq!(excerpt(&long).to_string(), format!("{}… (1000 bytes)", "x".repeat(80)));
//! let message = format!("line 1\nthe value: {long}");
//! assert!(cut_lines(&message).to_string().len() < 500);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt::{self, Display, Write};

/// How many characters of a value [`excerpt`] repeats.
pub const EXCERPT_CHARS: usize = 80;

/// How many characters of each line of a message [`cut_lines`] keeps.
pub const LINE_CHARS: usize = 400;

/// A value as an error message repeats it: see [`excerpt`].
#[derive(Clone, Copy, Debug)]
pub struct Excerpt<'a> {
    text: &'a str,
}

/// The value `text` as an error message should repeat it: whole when it has at most [`EXCERPT_CHARS`]
/// characters, else its first [`EXCERPT_CHARS`] characters, `…` and its size in bytes.
///
/// Cutting happens on character boundaries, so a multi-byte character is never split. Formatting does not
/// allocate and reads at most [`EXCERPT_CHARS`] + 1 characters of `text`.
///
/// ```
/// use kefu::error::excerpt;
///
/// assert_eq!(format!("`{}` is not an instant", excerpt("yesterday")), "`yesterday` is not an instant");
/// let long = "時".repeat(100); // 300 bytes
/// assert_eq!(excerpt(&long).to_string(), format!("{}… (300 bytes)", "時".repeat(80)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn excerpt(text: &str) -> Excerpt<'_> {
    Excerpt { text }
}

impl Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.text.char_indices().nth(EXCERPT_CHARS) {
            None => f.write_str(self.text),
            Some((cut, _)) => write!(f, "{}… ({} bytes)", &self.text[..cut], self.text.len()),
        }
    }
}

/// A message whose every line is at most [`LINE_CHARS`] characters long: see [`cut_lines`].
#[derive(Clone, Copy, Debug)]
pub struct CutLines<D> {
    message: D,
}

/// `message` with every line longer than [`LINE_CHARS`] characters cut to that length, followed by `…` and the
/// line's full size in bytes.
///
/// For messages written by other crates (a TOML or JSON parser), which may quote a whole line of the input. The
/// message is formatted into the output as it goes: nothing of the long lines is kept.
///
/// ```
/// use kefu::error::cut_lines;
///
/// assert_eq!(cut_lines("short\nlines").to_string(), "short\nlines");
/// let long = format!("a\n{}\nb", "y".repeat(1_000));
/// assert_eq!(cut_lines(&long).to_string(), format!("a\n{}… (1000 bytes)\nb", "y".repeat(400)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn cut_lines<D: Display>(message: D) -> CutLines<D> {
    CutLines { message }
}

impl<D: Display> Display for CutLines<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut writer = LineCutter { out: f, chars: 0, bytes: 0 };
        write!(writer, "{}", self.message)?;
        writer.end_line()
    }
}

/// Passes text through, keeping at most [`LINE_CHARS`] characters of each line and counting the bytes of the rest.
struct LineCutter<'a, 'b> {
    out: &'a mut fmt::Formatter<'b>,
    /// Characters of the current line written so far.
    chars: usize,
    /// Bytes of the current line, written or not.
    bytes: usize,
}

impl LineCutter<'_, '_> {
    /// Says how long the current line was, if it was cut.
    fn end_line(&mut self) -> fmt::Result {
        if self.chars > LINE_CHARS {
            write!(self.out, "… ({} bytes)", self.bytes)?;
        }
        self.chars = 0;
        self.bytes = 0;
        Ok(())
    }
}

impl Write for LineCutter<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for piece in s.split_inclusive('\n') {
            let (body, newline) = match piece.strip_suffix('\n') {
                Some(body) => (body, true),
                None => (piece, false),
            };
            self.bytes += body.len();
            if self.chars <= LINE_CHARS {
                let room = LINE_CHARS - self.chars;
                match body.char_indices().nth(room) {
                    None => {
                        self.out.write_str(body)?;
                        self.chars += body.chars().count();
                    }
                    Some((cut, _)) => {
                        self.out.write_str(&body[..cut])?;
                        // One more than the limit: the line was cut.
                        self.chars = LINE_CHARS + 1;
                    }
                }
            }
            if newline {
                self.end_line()?;
                self.out.write_char('\n')?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_whole() {
        assert_eq!(excerpt("").to_string(), "");
        let exactly = "é".repeat(EXCERPT_CHARS);
        assert_eq!(excerpt(&exactly).to_string(), exactly);
    }

    #[test]
    fn long_values_are_cut_on_a_character_boundary() {
        let text = format!("{}時{}", "a".repeat(EXCERPT_CHARS - 1), "b".repeat(10));
        let shown = excerpt(&text).to_string();
        assert_eq!(shown, format!("{}時… ({} bytes)", "a".repeat(EXCERPT_CHARS - 1), text.len()));
    }

    #[test]
    fn lines_are_cut_one_by_one_even_when_written_in_pieces() {
        struct Pieces;
        impl Display for Pieces {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("head\n")?;
                for _ in 0..1_000 {
                    f.write_str("xy")?;
                }
                f.write_str("\ntail")
            }
        }
        let shown = cut_lines(Pieces).to_string();
        assert_eq!(shown, format!("head\n{}… (2000 bytes)\ntail", "xy".repeat(LINE_CHARS / 2)));
    }

    #[test]
    fn a_line_of_exactly_the_limit_is_whole() {
        let line = "z".repeat(LINE_CHARS);
        assert_eq!(cut_lines(&line).to_string(), line);
        assert_eq!(cut_lines(format!("{line}\n")).to_string(), format!("{line}\n"));
    }
}
