//! Running the statbench binary under test.

use std::ffi::OsStr;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};

/// Tests that time things measure speed on a small (2-core) machine: they run one at a time
/// through [`Statbench::alone`], or each one's runs disturb the other's (the test harness runs
/// the tests of a binary in parallel).
static MACHINE: Mutex<()> = Mutex::new(());

/// Holds the machine for one timed experiment (see [`MACHINE`]); a panicked holder frees it.
pub fn machine_alone() -> MutexGuard<'static, ()> {
    MACHINE.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a finished statbench said.
#[derive(Debug)]
pub struct Output {
    /// The exit code, -1 when killed by a signal.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for (i32, String, String) {
    fn from(o: Output) -> Self {
        (o.code, o.stdout, o.stderr)
    }
}

/// One statbench command line to run: arguments, working folder (the crate's folder unless
/// set), environment, and whether it needs the machine to itself.
pub struct Statbench {
    cmd: Command,
    alone: bool,
}

impl Default for Statbench {
    fn default() -> Self {
        Self::new()
    }
}

impl Statbench {
    pub fn new() -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_statbench"));
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
        Statbench { cmd, alone: false }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.cmd.arg(arg);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.cmd.args(args);
        self
    }

    pub fn cwd(mut self, dir: impl AsRef<Path>) -> Self {
        self.cmd.current_dir(dir.as_ref());
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.cmd.env(key, value);
        self
    }

    /// Sets each `(key, value)`.
    pub fn envs(mut self, vars: &[(&str, &str)]) -> Self {
        self.cmd.envs(vars.iter().copied());
        self
    }

    pub fn env_remove(mut self, key: &str) -> Self {
        self.cmd.env_remove(key);
        self
    }

    /// Runs with the machine to itself (see [`MACHINE`]): for commands whose timing matters.
    pub fn alone(mut self) -> Self {
        self.alone = true;
        self
    }

    /// The command itself, to spawn with pipes of one's own (not [`Statbench::alone`]).
    pub fn command(self) -> Command {
        self.cmd
    }

    /// Runs to the end and returns the exit code and what it printed.
    pub fn run(mut self) -> Output {
        let _alone = self.alone.then(machine_alone);
        let out = self.cmd.output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Runs the statbench binary in `cwd`; returns exit code, stdout and stderr.
pub fn statbench(args: &[&str], cwd: &Path) -> (i32, String, String) {
    Statbench::new().args(args).cwd(cwd).run().into()
}

/// Runs statbench in `cwd` with its stdout closed at once (like `| head -c0`): returns the exit
/// code and stderr.
pub fn with_closed_stdout(args: &[&str], cwd: &Path) -> (i32, String) {
    let mut child = Statbench::new()
        .args(args)
        .cwd(cwd)
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader is gone before anything is written
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    (status.code().unwrap_or(-1), stderr)
}
