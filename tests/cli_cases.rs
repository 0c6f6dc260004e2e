//! CLI cases as data, for every command.
//!
//! Each folder `tests/cmd/<command>/` holds a `cases.toml` and the fixtures its cases read;
//! `snapshots/<case>.snap` holds each case's exit code, standard output and standard error.
//! A case is a command line, what it is fed (standard input, files, environment) and what it
//! must give back; adding one is adding a table, not a test function.
//!
//! `cases.toml`:
//!
//! ```toml
//! command = "scan"                          # the subcommand every case runs
//! defaults = ["--no-builtin", "--patterns", "patterns", "-q"]  # arguments put first
//!
//! [[case]]
//! name = "jsonl_records"                    # the snapshot's name
//! about = "why the case exists"
//! args = ["docs/corpus.jsonl"]
//! status = 0
//! # optional: cwd (relative to the folder), defaults = false, env = { NAME = "value" },
//! # stdin = "text", files = { "a.json" = "…" } (then the case runs in a temporary
//! # directory holding them; `[FIXTURES]` in args names the case folder)
//! ```
//!
//! Output is made stable before it is compared: the version becomes `[VERSION]`, the fixture
//! folder `[FIXTURES]`, the temporary directory `[TMP]`, and ESC `␛` (so colours can be read).
use assert_cmd::Command;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    command: String,
    #[serde(default)]
    defaults: Vec<String>,
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    about: String,
    args: Vec<String>,
    #[serde(default)]
    cwd: Option<String>,
    #[serde(default = "yes")]
    defaults: bool,
    status: i32,
    #[serde(default)]
    env: BTreeMap<String, String>,
    stdin: Option<String>,
    #[serde(default)]
    files: BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

/// The folder of every command's cases.
fn cases_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd")
}

/// Output with what changes between runs and releases replaced.
fn stable(text: &[u8], fixtures: &Path, tmp: Option<&Path>) -> String {
    let mut text = String::from_utf8_lossy(text).replace(env!("CARGO_PKG_VERSION"), "[VERSION]");
    if let Some(tmp) = tmp {
        text = text.replace(&tmp.display().to_string(), "[TMP]");
    }
    text.replace(&fixtures.display().to_string(), "[FIXTURES]").replace('\x1b', "␛")
}

/// Runs every case of `tests/cmd/<folder>/cases.toml` against its snapshots.
fn run_cases(folder: &str, at_least: usize) {
    let fixtures = cases_root().join(folder);
    let table = std::fs::read_to_string(fixtures.join("cases.toml")).expect("cases.toml");
    let cases: Cases = toml::from_str(&table).unwrap_or_else(|e| panic!("{folder}/cases.toml: {e}"));
    assert!(cases.case.len() >= at_least, "{folder}/cases.toml lost cases");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(format!("cmd/{folder}/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    for case in &cases.case {
        let tmp = (!case.files.is_empty()).then(|| tempfile::tempdir().expect("tempdir"));
        let cwd = match &tmp {
            Some(dir) => {
                for (name, content) in &case.files {
                    let path = dir.path().join(name);
                    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
                    std::fs::write(path, content).expect("write a case file");
                }
                dir.path().join(case.cwd.as_deref().unwrap_or("."))
            }
            None => fixtures.join(case.cwd.as_deref().unwrap_or(".")),
        };
        let fixture_text = fixtures.display().to_string();
        let args: Vec<String> = case.args.iter().map(|a| a.replace("[FIXTURES]", &fixture_text)).collect();
        let mut cmd = Command::cargo_bin("boilerguard").expect("binary is built");
        cmd.env_remove("NO_COLOR").current_dir(&cwd).arg(&cases.command);
        if case.defaults {
            cmd.args(cases.defaults.iter().map(|a| a.replace("[FIXTURES]", &fixture_text)));
        }
        cmd.args(&args).envs(&case.env);
        if let Some(stdin) = &case.stdin {
            cmd.write_stdin(stdin.as_str());
        }
        let out = cmd.output().expect("runs");
        let tmp_path = tmp.as_ref().map(|d| d.path());
        let rendered = format!(
            "status: {}\n--- stdout\n{}--- stderr\n{}",
            out.status.code().unwrap_or(-1),
            stable(&out.stdout, &fixtures, tmp_path),
            stable(&out.stderr, &fixtures, tmp_path)
        );
        assert_eq!(out.status.code(), Some(case.status), "{folder} case {} ({}):\n{rendered}", case.name, case.about);
        settings.set_description(format!(
            "boilerguard {} {}{}",
            cases.command,
            if case.defaults { "[defaults] " } else { "" },
            case.args.join(" ")
        ));
        settings.bind(|| insta::assert_snapshot!(case.name.as_str(), rendered));
    }
}

#[test]
fn check_cases() {
    run_cases("check", 20);
}

#[test]
fn scan_cases() {
    run_cases("scan", 5);
}

#[test]
fn clean_cases() {
    run_cases("clean", 5);
}

#[test]
fn explain_cases() {
    run_cases("explain", 5);
}

#[test]
fn patterns_cases() {
    run_cases("patterns", 4);
}

#[test]
fn eval_cases() {
    run_cases("eval", 4);
}
