//! The patterns compiled into the binary are exactly the files in `patterns/`.
mod common;

use std::collections::BTreeMap;

#[test]
fn embedded_patterns_equal_the_files_on_disk() {
    let dir = common::root().join("patterns");
    let mut on_disk = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.expect("walk patterns/");
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "toml") {
            let rel = entry.path().strip_prefix(&dir).expect("below patterns/").to_string_lossy().replace('\\', "/");
            on_disk.insert(rel, std::fs::read_to_string(entry.path()).expect("read pattern file"));
        }
    }
    let embedded: BTreeMap<String, String> =
        boilerguard::pattern::builtin_files().iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
    assert_eq!(embedded.keys().collect::<Vec<_>>(), on_disk.keys().collect::<Vec<_>>(), "file lists differ: rebuild");
    for (path, text) in &on_disk {
        assert_eq!(&embedded[path], text, "{path} differs from the embedded copy: rebuild");
    }
}
