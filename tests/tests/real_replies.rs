//! Every reply a real Oracle server sent (the project's collection beside the checkout, in
//! `shared/reference/real-replies/`) is a fixture of the contract tests, verbatim, and some test reads it.
//!
//! The parsing itself is tested where each reply belongs (`ess.rs`, `ogg.rs`, `workrequests.rs`, through the
//! call that receives it); this test fails when the collection gains a file that no test reads, or when a
//! fixture drifts from the reply it copies.

use std::path::{Path, PathBuf};

use contract_tests::workspace_root;

/// Where each service keeps its copies.
const FIXTURE_DIRS: &[&str] = &[
    "tests/fixtures/ess/real",
    "tests/fixtures/ogg/real",
    "tests/fixtures/workrequests/real",
];

fn collection() -> Option<PathBuf> {
    let dir = workspace_root().join("../shared/reference/real-replies");
    dir.is_dir().then_some(dir)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"));
    out.sort();
    out
}

/// The test sources, concatenated: a fixture counts as read when a test names it.
fn test_sources() -> String {
    files(&workspace_root().join("tests/tests"))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs") && !p.ends_with("real_replies.rs"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

#[test]
fn every_real_reply_is_a_verbatim_fixture_that_a_test_reads() {
    let Some(collection) = collection() else {
        eprintln!("the collection of real replies is not beside this checkout; checking the fixtures alone");
        return;
    };
    let sources = test_sources();
    let mut problems = Vec::new();
    let originals = files(&collection);
    assert!(!originals.is_empty(), "no real replies in {}", collection.display());
    for original in originals {
        let name = original
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let copies: Vec<PathBuf> = FIXTURE_DIRS
            .iter()
            .map(|dir| workspace_root().join(dir).join(&name))
            .filter(|p| p.is_file())
            .collect();
        let Some(copy) = copies.first() else {
            problems.push(format!("{name}: no copy under {FIXTURE_DIRS:?}"));
            continue;
        };
        if std::fs::read(copy).ok() != std::fs::read(&original).ok() {
            problems.push(format!(
                "{name}: {} is not byte-identical to the original",
                copy.display()
            ));
        }
        if !sources.contains(&format!("real/{name}")) {
            problems.push(format!("{name}: no test reads real/{name}"));
        }
    }
    assert!(
        problems.is_empty(),
        "real replies without a parsing test:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_fixture_copy_has_its_provenance() {
    for dir in FIXTURE_DIRS {
        let dir = workspace_root().join(dir);
        let fixtures = files(&dir);
        if fixtures.is_empty() {
            continue;
        }
        let readme = std::fs::read_to_string(dir.join("README.md")).unwrap_or_default();
        for fixture in fixtures {
            let name = fixture.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            assert!(
                readme.contains(name),
                "{}: {name} has no provenance line in README.md",
                dir.display()
            );
        }
    }
}
