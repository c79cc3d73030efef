//! The documentation the tests read: the README and the guide's pages.

use std::path::Path;

/// README.md and every `docs/*.md` page, by path from the repository root, in order.
pub fn documents(root: &Path) -> Vec<(String, String)> {
    let mut pages: Vec<String> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("docs/{name}"))
        .collect();
    pages.sort();
    std::iter::once("README.md".to_string())
        .chain(pages)
        .map(|path| {
            let text = std::fs::read_to_string(root.join(&path)).unwrap();
            (path, text)
        })
        .collect()
}
