//! The layers as STYLE.md draws them: the command line, the domain, the
//! store and the formats know nothing of the terminal app or its drawing
//! (the terminal-safe text helpers live in `src/text.rs`, below both).

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_command_line_and_the_layers_below_it_never_reach_into_the_app_or_its_views() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![root.join("text.rs")];
    for dir in ["cli", "domain", "store", "io"] {
        rust_files(&root.join(dir), &mut files);
    }
    let mut found = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("a readable source file");
        for (n, line) in text.lines().enumerate() {
            for what in ["crate::ui", "crate::app", "ratatui"] {
                if line.contains(what) {
                    found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The store is the boundary to the database: the domain, the app, its
/// views, the command line and the formats do not know which engine they
/// talk to (no SQLite, no PostgreSQL client, no SQL types).
#[test]
fn only_the_store_knows_which_engine_holds_the_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for dir in ["cli", "domain", "io", "app", "ui"] {
        rust_files(&root.join(dir), &mut files);
    }
    let mut found = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("a readable source file");
        for (n, line) in text.lines().enumerate() {
            for what in ["rusqlite", "postgres::", "store::db"] {
                if line.contains(what) {
                    found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
