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
    /// Fingerprint of the machine running this process.
    pub fn current() -> Host {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name") || l.starts_with("Model"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_else(|| "unknown".into());
        let read_trim = |p: &str| {
            std::fs::read_to_string(p)
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        Host {
            cpu_model,
            logical_cores: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            os: format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH),
            kernel: read_trim("/proc/sys/kernel/osrelease"),
            rustc: env!("STATBENCH_RUSTC_VERSION").to_string(),
            hostname: read_trim("/proc/sys/kernel/hostname"),
        }
    }

    /// The part that decides whether speed figures are comparable: CPU model, cores, OS.
    pub fn speed_fingerprint(&self) -> String {
        format!("{} × {} ({})", self.cpu_model, self.logical_cores, self.os)
    }
}
