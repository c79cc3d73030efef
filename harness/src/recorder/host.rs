//! Host fingerprint: what a speed figure depends on, so comparisons can tell whether two runs
//! were measured on comparable machines.

use serde::{Deserialize, Serialize};

/// The machine and toolchain a run was measured with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Host {
    /// CPU model name (`/proc/cpuinfo` on Linux), or `unknown`.
    pub cpu_model: String,
    /// Logical cores available to this process.
    pub logical_cores: usize,
    /// Operating system and architecture, e.g. `linux-x86_64`.
    pub os: String,
    /// Kernel release when known.
    #[serde(default)]
    pub kernel: String,
    /// Compiler that built statbench.
    pub rustc: String,
    /// Host name, informative only (runners in one pool differ by name, not by speed).
    #[serde(default)]
    pub hostname: String,
}

impl Host {
    /// Fingerprint of the machine running this process (read by session-stats' recorder, the
    /// same fields an engine's recording carries, plus the compiler).
    pub fn current() -> Host {
        let m = session_stats::recorder::MachineInfo::current();
        Host {
            cpu_model: m.cpu_model,
            logical_cores: m.logical_cores,
            os: m.os,
            kernel: m.kernel,
            rustc: env!("STATBENCH_RUSTC_VERSION").to_string(),
            hostname: m.hostname,
        }
    }

    /// The part that decides whether speed figures are comparable: CPU model, cores, OS.
    pub fn speed_fingerprint(&self) -> String {
        format!("{} × {} ({})", self.cpu_model, self.logical_cores, self.os)
    }
}
