use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct TestLake {
    pub dir: tempfile::TempDir,
}

pub fn lake_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_lake"))
}

impl TestLake {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let t = TestLake { dir };
        let out = t.run(&["init"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        t
    }

    /// A lake holding `keep` (2 rows): the state a failed or killed import must leave alone.
    pub fn with_keep() -> Self {
        let lake = TestLake::new();
        let keep = lake.file("keep.csv", "a\n1\n2\n");
        lake.import(&[&keep], &[]);
        lake
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("lake")
    }

    pub fn file(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join("in").join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        p
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new(lake_bin());
        c.arg("--lake").arg(self.path());
        c.env_remove("LAKE_DIR");
        // Each lake's own settings folder: a settings.toml of the user's never changes a test.
        c.env("XDG_CONFIG_HOME", self.dir.path().join("config"));
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "lake {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs, asserts exit 1, returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "lake {args:?} should fail: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).unwrap()
    }

    pub fn import(&self, paths: &[&Path], extra: &[&str]) -> serde_json::Value {
        let mut args: Vec<String> = vec!["import".into(), "--json".into()];
        args.extend(extra.iter().map(|s| s.to_string()));
        args.extend(paths.iter().map(|p| p.display().to_string()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = self.run(&refs);
        let stdout = String::from_utf8_lossy(&out.stdout);
        serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "import output is not JSON ({e}): {stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
    }

    /// Query as CSV; returns the text.
    pub fn csv(&self, sql: &str) -> String {
        self.ok(&["query", "--format", "csv", sql])
    }
}

/// This crate's folder, read when the test runs (cargo sets it), so a test binary shared by
/// two checkouts through one target folder reads the fixtures of the checkout that runs it.
pub fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// Names of the datasets an `import --json` report says it created.
pub fn dataset_names(report: &serde_json::Value) -> Vec<&str> {
    report["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect()
}

/// Exit code, stdout, stderr and peak resident memory (MiB) of a finished child.
pub struct Measured {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub peak_mib: u64,
}

/// Runs `cmd` to its end and reads its own peak RSS with wait4 (not the test's).
pub fn run_measured(mut cmd: Command) -> Measured {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    cmd.stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap());
    let child = cmd.spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, waited for exactly once (the Child is then forgotten).
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4 failed");
    std::mem::forget(child);
    let code = if libc::WIFEXITED(status) {
        Some(libc::WEXITSTATUS(status))
    } else {
        None
    };
    Measured {
        code,
        stdout: std::fs::read_to_string(out).unwrap_or_default(),
        stderr: std::fs::read_to_string(err).unwrap_or_default(),
        peak_mib: usage.ru_maxrss as u64 / 1024,
    }
}
