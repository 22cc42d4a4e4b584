//! Runs the simulated service-desk weekend and prints its timeline (see `README.md`).

use std::process::ExitCode;

fn main() -> ExitCode {
    match kefu_example_erp_in_process::simulate() {
        Ok(run) => {
            print!("{}", run.report());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
