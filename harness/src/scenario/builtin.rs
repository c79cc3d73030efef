//! The scenarios that ship inside the binary, so an installed statbench (`cargo install --path
//! harness`) runs `statbench run default` in any folder. A file always wins over them: a plain
//! name is looked up as `./NAME`, then `scenarios/NAME.toml` here or in a folder above, and
//! only then here (see [`super::Scenario::resolve`]).

/// `(name, text)` of every built-in scenario: the repository's `scenarios/*.toml` at build time.
pub const BUILTIN: [(&str, &str); 6] = [
    ("churn", include_str!("../../../scenarios/churn.toml")),
    ("default", include_str!("../../../scenarios/default.toml")),
    (
        "dht-heavy",
        include_str!("../../../scenarios/dht-heavy.toml"),
    ),
    (
        "diagnostics",
        include_str!("../../../scenarios/diagnostics.toml"),
    ),
    ("quick", include_str!("../../../scenarios/quick.toml")),
    (
        "seeding-heavy",
        include_str!("../../../scenarios/seeding-heavy.toml"),
    ),
];

/// How a built-in scenario's path reads in messages and run.json: `<built-in>/default.toml`.
pub const PREFIX: &str = "<built-in>/";

/// The text of the built-in scenario `name`.
pub fn text(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The built-in text behind a path this module named (`<built-in>/default.toml`).
pub fn text_of_path(path: &str) -> Option<&'static str> {
    text(path.strip_prefix(PREFIX)?.strip_suffix(".toml")?)
}

#[cfg(test)]
mod tests {
    use super::BUILTIN;

    #[test]
    fn every_scenario_file_is_built_in_and_parses() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(String::from))
            .filter(|n| dir.join(format!("{n}.toml")).is_file())
            .collect();
        files.sort();
        let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            files, names,
            "scenarios/*.toml and the built-in list differ"
        );
        for (name, text) in BUILTIN {
            let path = std::path::PathBuf::from(format!("{}{name}.toml", super::PREFIX));
            crate::scenario::Scenario::parse(text, &path).unwrap();
        }
    }
}
