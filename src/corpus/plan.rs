//! Deciding, before any work starts, where a run may write.
//!
//! A corpus cleaner that overwrites its input, or writes two outputs to one path, loses data
//! while reporting success. So every output of a run (`-o`, mirrored files, annotation
//! sidecars, `--rejects`, `--stats`, `--write-baseline`, reports) is claimed here first, and
//! the run starts only when no claim touches an input or another claim. Paths are compared
//! after resolving symlinks, `.` and `..` (for paths that do not exist yet, through their
//! deepest existing ancestor), and existing files by device and inode, so a hard link to an
//! input is caught too.
//!
//! An output directory inside an input directory is refused rather than excluded from the
//! walk: excluding it would make the result depend on what an earlier run left there, and a
//! rerun would read its own output back as input.
use super::input::Input;
use super::output::{target_kind, TargetKind};
use crate::error::CorpusError;
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};

/// Device and inode of an existing file.
type FileId = (u64, u64);

struct Claim {
    path: PathBuf,
    id: Option<FileId>,
    role: String,
}

struct InputFile {
    path: PathBuf,
    id: Option<FileId>,
    display: String,
}

/// The inputs of a run and the outputs claimed so far.
pub struct OutputPlan {
    inputs: Vec<InputFile>,
    input_dirs: Vec<(PathBuf, String)>,
    claims: Vec<Claim>,
    stdout_role: Option<String>,
}

/// The label standard output is claimed under.
pub const STDOUT: &str = "-";

impl OutputPlan {
    /// A plan for a run over `inputs`, found under the arguments `roots` (files, directories
    /// or `-`).
    pub fn new(inputs: &[Input], roots: &[PathBuf]) -> Self {
        let inputs = inputs
            .iter()
            .filter_map(|input| {
                let path = input.path.as_ref()?;
                Some(InputFile { path: resolve(path), id: file_id(path), display: input.display.clone() })
            })
            .collect();
        let input_dirs = roots.iter().filter(|r| r.is_dir()).map(|r| (resolve(r), r.display().to_string())).collect();
        OutputPlan { inputs, input_dirs, claims: Vec::new(), stdout_role: None }
    }

    /// Claims `path` for `role` (e.g. `--rejects`, `the output of a.jsonl`); `-` is standard
    /// output. Fails when the path is an input or already claimed.
    pub fn claim(&mut self, path: &Path, role: impl Into<String>) -> Result<(), CorpusError> {
        let role = role.into();
        if path.as_os_str() == STDOUT {
            if let Some(earlier) = self.stdout_role.replace(role.clone()) {
                return Err(conflict(path, format!("{earlier} and {role} would both write to standard output")));
            }
            return Ok(());
        }
        let special = target_kind(path)? == TargetKind::Special;
        let resolved = resolve(path);
        let id = file_id(path);
        if let Some(input) = self.inputs.iter().find(|i| i.path == resolved || (id.is_some() && i.id == id)) {
            return Err(conflict(path, format!("{role} would overwrite the input {}", input.display)));
        }
        // Devices and FIFOs are written through: several outputs may share one (/dev/null).
        if special {
            return Ok(());
        }
        if let Some(other) = self.claims.iter().find(|c| c.path == resolved || (id.is_some() && c.id == id)) {
            return Err(conflict(path, format!("{} and {role} would both be written to this file", other.role)));
        }
        self.claims.push(Claim { path: resolved, id, role });
        Ok(())
    }

    /// Claims `dir` as the directory outputs are mirrored into; fails when it lies inside an
    /// input directory.
    pub fn claim_dir(&mut self, dir: &Path) -> Result<(), CorpusError> {
        let resolved = resolve(dir);
        if let Some((_, shown)) = self.input_dirs.iter().find(|(input, _)| resolved.starts_with(input)) {
            return Err(conflict(
                dir,
                format!(
                    "the output directory is inside the input directory {shown}: its files would overwrite inputs \
                     or be read back as inputs on the next run; choose an -o outside {shown}"
                ),
            ));
        }
        Ok(())
    }
}

fn conflict(path: &Path, reason: String) -> CorpusError {
    CorpusError::Output { path: path.to_path_buf(), reason }
}

fn file_id(path: &Path) -> Option<FileId> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// `path` made absolute with symlinks, `.` and `..` resolved, also when it does not exist
/// yet: its deepest existing ancestor is resolved and the rest appended.
pub fn resolve(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    let absolute = std::env::current_dir().map(|cwd| cwd.join(path)).unwrap_or_else(|_| path.to_path_buf());
    let components: Vec<Component> = absolute.components().collect();
    for cut in (0..components.len()).rev() {
        let Ok(mut out) = components[..cut].iter().collect::<PathBuf>().canonicalize() else { continue };
        for component in &components[cut..] {
            match component {
                Component::ParentDir => {
                    out.pop();
                }
                Component::Normal(name) => out.push(name),
                _ => {}
            }
        }
        return out;
    }
    absolute
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::InputFormat;

    fn input(path: &Path) -> Input {
        Input {
            path: Some(path.to_path_buf()),
            relative: path.file_name().unwrap().into(),
            display: path.display().to_string(),
            format: InputFormat::Jsonl,
            size: 0,
        }
    }

    #[test]
    fn an_input_is_never_claimed_whatever_the_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.jsonl");
        std::fs::write(&a, "{}\n").unwrap();
        std::fs::hard_link(&a, dir.path().join("hard.jsonl")).unwrap();
        std::os::unix::fs::symlink("a.jsonl", dir.path().join("soft.jsonl")).unwrap();
        let mut plan = OutputPlan::new(&[input(&a)], std::slice::from_ref(&a));
        for spelling in ["a.jsonl", "./a.jsonl", "sub/../a.jsonl", "hard.jsonl", "soft.jsonl"] {
            std::fs::create_dir_all(dir.path().join("sub")).unwrap();
            let err = plan.claim(&dir.path().join(spelling), "--rejects").unwrap_err().to_string();
            assert!(err.contains("--rejects would overwrite the input"), "{spelling}: {err}");
        }
    }

    #[test]
    fn two_claims_on_one_path_conflict_and_name_both() {
        let dir = tempfile::tempdir().unwrap();
        let mut plan = OutputPlan::new(&[], &[]);
        plan.claim(&dir.path().join("new/o.jsonl"), "the output of a.jsonl").unwrap();
        let err = plan.claim(&dir.path().join("new/./o.jsonl"), "the output of b.jsonl").unwrap_err().to_string();
        assert!(err.contains("the output of a.jsonl and the output of b.jsonl"), "{err}");
        plan.claim(Path::new(STDOUT), "the records").unwrap();
        assert!(plan.claim(Path::new(STDOUT), "--stats").is_err());
    }

    #[test]
    fn an_output_directory_inside_an_input_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut plan = OutputPlan::new(&[], &[dir.path().to_path_buf()]);
        let err = plan.claim_dir(&dir.path().join("out")).unwrap_err().to_string();
        assert!(err.contains("inside the input directory"), "{err}");
        let mut elsewhere = OutputPlan::new(&[], &[dir.path().join("in")]);
        std::fs::create_dir(dir.path().join("in")).unwrap();
        elsewhere.claim_dir(&dir.path().join("out")).unwrap();
    }

    #[test]
    fn resolve_handles_paths_that_do_not_exist_yet() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        assert_eq!(resolve(&dir.path().join("x/../y/z.txt")), real.join("y/z.txt"));
    }
}
