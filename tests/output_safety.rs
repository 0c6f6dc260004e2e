//! Nothing a run writes may destroy data: no output over an input, no two outputs on one
//! path, no special file replaced, modes as the umask says, no record gone without a trace,
//! and an interrupted run resumed to the same bytes. Each test is named after what broke.
mod common;

use boilerguard::batch::Reject;
use common::bin;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn write(path: &Path, bytes: &[u8]) -> PathBuf {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, bytes).expect("write");
    path.to_path_buf()
}

fn records(prefix: &str, n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| format!("{{\"id\":\"{prefix}{i}\",\"text\":\"Body line {i} of the story.\\nDonate now\"}}\n"))
        .collect::<String>()
        .into_bytes()
}

/// Runs the binary in `dir` with `args`; returns the exit code and stderr.
fn run_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let root = common::root();
    let patterns = root.join("tests/fixtures/patterns");
    let out = bin()
        .current_dir(dir)
        .args(&args[..1])
        .args(["--no-builtin", "--patterns"])
        .arg(patterns)
        .args(&args[1..])
        .output()
        .expect("run");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Every file below `dir` with its bytes, sorted by path.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = common::files_below(dir)
        .into_iter()
        .map(|p| (p.strip_prefix(dir).expect("prefix").to_path_buf(), std::fs::read(&p).expect("read")))
        .collect();
    files.sort();
    files
}

#[test]
fn several_inputs_mapping_to_one_output_are_refused_before_writing() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("c2024/part-0001.jsonl"), &records("a", 2));
    write(&dir.path().join("c2025/part-0001.jsonl"), &records("b", 1));
    write(&dir.path().join("a/x.txt"), b"one\n");
    write(&dir.path().join("b/x.txt"), b"two\n");
    for (args, both) in [
        (&["clean", "c2024/", "c2025/", "-o", "out"][..], ["c2024/part-0001.jsonl", "c2025/part-0001.jsonl"]),
        (&["clean", "a/x.txt", "b/x.txt", "-o", "out"][..], ["a/x.txt", "b/x.txt"]),
    ] {
        let (code, stderr) = run_in(dir.path(), args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(both[0]) && stderr.contains(both[1]), "{args:?} must name both inputs: {stderr}");
        assert!(!dir.path().join("out").exists(), "{args:?}: nothing may be written");
    }
}

#[test]
fn no_file_option_may_overwrite_an_input_or_another_output() {
    let cases: &[(&[&str], &str)] = &[
        (&["scan", "c.jsonl", "--rejects", "c.jsonl"], "--rejects would overwrite the input c.jsonl"),
        (&["scan", "c.jsonl", "--stats", "./c.jsonl"], "--stats would overwrite the input c.jsonl"),
        (&["scan", "c.jsonl", "--stats", "hard.jsonl"], "--stats would overwrite the input c.jsonl"),
        (&["scan", "c.jsonl", "-o", "link.jsonl"], "the scan records would overwrite the input c.jsonl"),
        (&["check", "c.jsonl", "--write-baseline", "c.jsonl"], "--write-baseline would overwrite the input c.jsonl"),
        (&["check", "c.jsonl", "-o", "c.jsonl"], "the report would overwrite the input c.jsonl"),
        (&["clean", "c.jsonl", "-o", "o.jsonl", "--rejects", "o.jsonl"], "the output of c.jsonl and --rejects"),
        (
            &["clean", "c.jsonl", "-o", "o.jsonl", "--annotate", "--stats", "o.jsonl.annotations.jsonl"],
            "--stats and the annotations of c.jsonl",
        ),
        (&["scan", "c.jsonl", "--rejects", "r.jsonl", "--stats", "r.jsonl"], "--stats and --rejects"),
        (&["scan", "c.jsonl", "--stats", "-"], "would both write to standard output"),
    ];
    for (args, message) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = write(&dir.path().join("c.jsonl"), &records("c", 3));
        std::fs::hard_link(&input, dir.path().join("hard.jsonl")).expect("hard link");
        std::os::unix::fs::symlink("c.jsonl", dir.path().join("link.jsonl")).expect("symlink");
        let (code, stderr) = run_in(dir.path(), args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert_eq!(std::fs::read(&input).expect("read"), records("c", 3), "{args:?} touched the input");
        assert!(!dir.path().join("o.jsonl").exists() && !dir.path().join("r.jsonl").exists(), "{args:?}");
    }
}

#[test]
fn an_output_directory_inside_an_input_directory_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("in/a.txt"), b"hello\n");
    write(&dir.path().join("in/out/a.txt"), b"an input that looks like an output\n");
    let before = tree(dir.path());
    let (code, stderr) = run_in(dir.path(), &["clean", "in/", "-o", "in/out"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("inside the input directory in/"), "{stderr}");
    assert_eq!(tree(dir.path()), before);
}

/// Creates a node with `mknod`; `None` (with a notice) where that is not allowed.
fn mknod(path: &Path, args: &[&str]) -> Option<()> {
    let ok = Command::new("mknod").arg(path).args(args).status().is_ok_and(|s| s.success());
    if !ok {
        eprintln!("notice: cannot create {} with mknod (not root?): that case is skipped", path.display());
    }
    ok.then_some(())
}

#[test]
fn special_files_are_written_through_never_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("c.jsonl"), &records("c", 2));
    // A FIFO: a reader gets the records, and the FIFO is still a FIFO afterwards.
    let fifo = dir.path().join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    let reader = std::thread::spawn({
        let fifo = fifo.clone();
        move || std::fs::read_to_string(fifo).expect("read fifo")
    });
    let (code, stderr) = run_in(dir.path(), &["scan", "c.jsonl", "-o", "fifo", "-q"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(reader.join().expect("reader").lines().count(), 2);
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&fifo).expect("stat").file_type().is_fifo());
    // A character device of our own (the null device's numbers), given to every file option.
    let null = dir.path().join("null");
    if mknod(&null, &["c", "1", "3"]).is_some() {
        let (code, stderr) =
            run_in(dir.path(), &["clean", "c.jsonl", "-o", "null", "--rejects", "null", "--stats", "null", "-q"]);
        assert_eq!(code, 0, "{stderr}");
        assert!(std::fs::symlink_metadata(&null).expect("stat").file_type().is_char_device());
    }
    // A symlink: the file it points to is replaced, the link stays.
    write(&dir.path().join("real.jsonl"), b"old\n");
    std::os::unix::fs::symlink("real.jsonl", dir.path().join("link.jsonl")).expect("symlink");
    let (code, stderr) = run_in(dir.path(), &["clean", "c.jsonl", "-o", "link.jsonl", "-q"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(std::fs::symlink_metadata(dir.path().join("link.jsonl")).expect("stat").file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(dir.path().join("real.jsonl")).expect("read").lines().count(), 2);
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

#[test]
fn outputs_get_the_mode_the_umask_gives() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("c.jsonl"), &records("c", 2));
    write(&dir.path().join("bad.jsonl"), b"{not json\n");
    let exe = assert_cmd::cargo::cargo_bin("boilerguard");
    let patterns = common::root().join("tests/fixtures/patterns");
    let script = format!(
        "umask 027 && {exe} clean --no-builtin --patterns {p} c.jsonl bad.jsonl -o out --annotate --rejects rejects.jsonl \
         --stats stats.json -q && {exe} check --no-builtin --patterns {p} c.jsonl --write-baseline baseline.json -q",
        exe = exe.display(),
        p = patterns.display()
    );
    let status = Command::new("sh").arg("-c").arg(&script).current_dir(dir.path()).status().expect("sh");
    assert!(status.success());
    for name in ["out/c.jsonl", "out/c.jsonl.annotations.jsonl", "rejects.jsonl", "stats.json", "baseline.json"] {
        assert_eq!(mode(&dir.path().join(name)), 0o640, "{name}");
    }
    // A file being replaced keeps its own mode.
    std::fs::set_permissions(dir.path().join("stats.json"), std::fs::Permissions::from_mode(0o604)).expect("chmod");
    let (code, stderr) = run_in(dir.path(), &["scan", "c.jsonl", "--stats", "stats.json", "-q"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(mode(&dir.path().join("stats.json")), 0o604);
}

fn rejects(path: &Path) -> Vec<Reject> {
    std::fs::read_to_string(path)
        .expect("rejects")
        .lines()
        .map(|l| serde_json::from_str(l).expect("reject schema"))
        .collect()
}

#[test]
fn a_rejected_record_is_never_silent_and_keeps_its_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let latin1 = write(&dir.path().join("l.txt"), b"Caf\xe9 au lait.\nDonate now\n");
    let (code, stderr) = run_in(dir.path(), &["clean", "l.txt", "-o", "l.out.txt", "-q", "--rejects", "r.jsonl"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("1 records rejected and not in the output (kept in r.jsonl)"), "{stderr}");
    let kept = rejects(&dir.path().join("r.jsonl"));
    assert_eq!(kept[0].bytes().expect("base64"), std::fs::read(&latin1).expect("read"));
    assert!(!kept[0].reason.contains("not changed"), "{:?}", kept[0].reason);
    // A text field no record has: every record rejected, said under -q, fatal with --on-error fail.
    write(&dir.path().join("c.jsonl"), &records("c", 3));
    let (code, stderr) = run_in(dir.path(), &["clean", "c.jsonl", "--text-field", "body", "-o", "o.jsonl", "-q"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("3 records rejected and not in the output (use --rejects FILE"), "{stderr}");
    let (code, stderr) =
        run_in(dir.path(), &["clean", "c.jsonl", "--text-field", "body", "-o", "o.jsonl", "-q", "--on-error", "fail"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("c.jsonl:1: missing field `body`"), "{stderr}");
}

#[test]
fn a_file_name_that_is_not_utf8_is_read_in_a_directory_walk() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.jsonl");
    write(&dir.path().join("in").join(name), &records("n", 2));
    let (code, stderr) = run_in(dir.path(), &["clean", "in", "-o", "out", "-q"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("skipped"), "{stderr}");
    let cleaned = std::fs::read_to_string(dir.path().join("out").join(name)).expect("output");
    assert_eq!((cleaned.lines().count(), cleaned.contains("Donate")), (2, false), "{cleaned}");
}

/// A corpus of several files large enough that a run can be interrupted in the middle.
fn resumable_corpus(dir: &Path) {
    for f in 0..6 {
        let mut text = Vec::new();
        for _ in 0..12 {
            text.extend(records(&format!("f{f}-"), 500));
        }
        write(&dir.join(format!("in/part-{f}.jsonl")), &text);
    }
    write(&dir.join("in/notes.txt"), b"A plain note.\nDonate now\n");
}

fn clean_args(out: &str) -> Vec<String> {
    let patterns = common::root().join("tests/fixtures/patterns");
    ["clean", "--no-builtin", "--patterns", &patterns.to_string_lossy(), "in", "-o", out, "--annotate", "-q", "-j1"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// A pseudo-random sequence for kill points; the seed is printed so a failure can be rerun.
fn kill_points(n: usize, max_ms: u64) -> Vec<u64> {
    let seed = std::env::var("BOILERGUARD_KILL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    });
    eprintln!("kill points seed: {seed} (set BOILERGUARD_KILL_SEED to repeat)");
    let mut state = seed | 1;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % max_ms
        })
        .collect()
}

#[test]
fn a_run_killed_at_any_point_resumes_to_identical_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    resumable_corpus(dir.path());
    let exe = assert_cmd::cargo::cargo_bin("boilerguard");
    let started = std::time::Instant::now();
    let status = Command::new(&exe).args(clean_args("reference")).current_dir(dir.path()).status().expect("run");
    assert!(status.success());
    let full_ms = started.elapsed().as_millis() as u64;
    let reference = tree(&dir.path().join("reference"));
    for (round, delay) in kill_points(6, full_ms.max(2)).into_iter().enumerate() {
        let out = format!("out{round}");
        let mut child = Command::new(&exe)
            .args(clean_args(&out))
            .current_dir(dir.path())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let mut resume = clean_args(&out);
        resume.push("--resume".into());
        let status = Command::new(&exe).args(resume).current_dir(dir.path()).status().expect("resume");
        assert!(status.success(), "round {round}, killed after {delay} ms");
        assert!(tree(&dir.path().join(&out)) == reference, "round {round}, killed after {delay} ms: output differs");
    }
}

#[test]
fn an_interrupted_run_removes_its_temporary_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    resumable_corpus(dir.path());
    let exe = assert_cmd::cargo::cargo_bin("boilerguard");
    let mut child = Command::new(&exe)
        .args(clean_args("out"))
        .current_dir(dir.path())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Wait until the run is writing, then interrupt it as Ctrl-C would.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !dir.path().join("out").exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().expect("kill").success());
    let status = child.wait().expect("wait");
    if status.success() {
        eprintln!("notice: the run finished before the interrupt arrived");
        return;
    }
    assert_eq!(status.code(), Some(130), "exit status of an interrupted run");
    let leftovers: Vec<PathBuf> = common::files_below(&dir.path().join("out"))
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn stale_temporary_files_are_named_and_removed_on_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("in/a.jsonl"), &records("a", 2));
    let stale = write(&dir.path().join("out/.boilerguard-Xy12ab.tmp"), b"half a file");
    let (code, stderr) = run_in(dir.path(), &["clean", "in", "-o", "out", "-q"]);
    assert_eq!(code, 0);
    assert!(stderr.contains(".boilerguard-Xy12ab.tmp: temporary file left by an interrupted run"), "{stderr}");
    assert!(stale.exists());
    let (code, stderr) = run_in(dir.path(), &["clean", "in", "-o", "out", "-q", "--remove-stale-temp"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stale.exists());
}

#[test]
fn the_output_kind_follows_what_was_typed() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("one.jsonl"), &records("o", 2));
    write(&dir.path().join("in/a.jsonl"), &records("a", 1));
    // A trailing slash makes a directory even for one input.
    let (code, stderr) = run_in(dir.path(), &["clean", "one.jsonl", "-o", "outdir/", "-q"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(dir.path().join("outdir/one.jsonl").is_file());
    // A directory of inputs into a name that looks like a corpus file is refused...
    let (code, stderr) = run_in(dir.path(), &["clean", "in", "-o", "all.jsonl", "-q"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("all.jsonl: several inputs need -o to be a directory, and this names a corpus file"),
        "{stderr}"
    );
    assert!(!dir.path().join("all.jsonl").exists());
    // ...unless the slash says directory.
    let (code, stderr) = run_in(dir.path(), &["clean", "in", "-o", "all.jsonl/", "-q"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(dir.path().join("all.jsonl/a.jsonl").is_file());
}
