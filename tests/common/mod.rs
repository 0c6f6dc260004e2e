//! Helpers shared by the integration tests.
#![allow(dead_code)]
use std::path::PathBuf;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the project, when it is there.
///
/// A user's fresh clone has no `../shared`: tests that need it print a notice and skip.
/// CI sets `BOILERGUARD_REQUIRE_SHARED=1`, and there a missing folder fails the test.
pub fn shared(test: &str) -> Option<PathBuf> {
    let dir = root().join("..").join("shared");
    if dir.join("DESIGN.md").is_file() {
        return Some(dir);
    }
    if std::env::var("BOILERGUARD_REQUIRE_SHARED").is_ok_and(|v| v == "1") {
        panic!("{test}: ../shared is required (BOILERGUARD_REQUIRE_SHARED=1) but {} is absent", dir.display());
    }
    eprintln!("notice: {test} skipped: ../shared is absent (set BOILERGUARD_REQUIRE_SHARED=1 to make this an error)");
    None
}

/// A command running the built binary.
pub fn bin() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("boilerguard").expect("binary is built");
    cmd.env_remove("NO_COLOR");
    cmd
}

/// Every file below `dir`, in no particular order.
pub fn files_below(dir: &std::path::Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect()
}
