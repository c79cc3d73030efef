//! The machine a recording was made on: what a speed figure depends on, so that a comparison
//! can tell whether two recordings were measured on comparable machines.

/// Machine fingerprint of a recording.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MachineInfo {
    /// CPU model name (`/proc/cpuinfo` on Linux), or `unknown`.
    pub cpu_model: String,
    /// Logical cores available to this process.
    pub logical_cores: usize,
    /// Operating system and architecture, e.g. `linux-x86_64`.
    pub os: String,
    /// Kernel release when known.
    #[cfg_attr(feature = "serde", serde(default))]
    pub kernel: String,
    /// Host name, informative only (runners in one pool differ by name, not by speed).
    #[cfg_attr(feature = "serde", serde(default))]
    pub hostname: String,
}

impl MachineInfo {
    /// Fingerprint of the machine running this process.
    pub fn current() -> MachineInfo {
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
        MachineInfo {
            cpu_model,
            logical_cores: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            os: format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH),
            kernel: read_trim("/proc/sys/kernel/osrelease"),
            hostname: read_trim("/proc/sys/kernel/hostname"),
        }
    }

    /// The part that decides whether speed figures are comparable: CPU model, cores, OS.
    pub fn speed_fingerprint(&self) -> String {
        format!("{} × {} ({})", self.cpu_model, self.logical_cores, self.os)
    }
}
