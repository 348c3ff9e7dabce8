//! The fuzz targets (`lake_core::fuzzing`, the bodies of `fuzz/fuzz_targets/*`) run inside
//! `make test` on the ordinary debug build, so CI never compiles Polars a second time:
//! - every saved finding in `fuzz/regressions/<target>/` is replayed;
//! - every seed (the test fixtures, as `scripts/fuzz_seeds.py` makes them for `make fuzz`) is run;
//! - then deterministic mutations of the seeds (bit flips, cuts, splices, inserted bytes and
//!   number text) run for `FUZZ_REPLAY_SECONDS` per target (default 4).
//!
//! A panic, or one input taking over 20 s, fails the test; the input is written to
//! `<target dir>/fuzz-findings/<target>/` with the command that saves it as a regression.
//! Coverage-guided fuzzing with libFuzzer stays in `make fuzz` (nightly, release).

use std::collections::BTreeMap;
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 9] = [
    ("zip", lake_core::fuzzing::zip),
    ("tar", lake_core::fuzzing::tar),
    ("json_doc", lake_core::fuzzing::json_doc),
    ("ndjson", lake_core::fuzzing::ndjson),
    ("json_array", lake_core::fuzzing::json_array),
    ("csv", lake_core::fuzzing::csv),
    ("takeout_classify", lake_core::fuzzing::takeout_classify),
    ("mbox", lake_core::fuzzing::mbox),
    ("sql_guard", lake_core::fuzzing::sql_guard),
];

/// sqlparser still has exponential backtracking paths that random text finds (three fixed so
/// far); a fresh one must not fail an unrelated change, so the guard gets its seeds and saved
/// findings here and is mutated only by `make fuzz`.
const NOT_MUTATED: [&str; 1] = ["sql_guard"];
const SLOW: Duration = Duration::from_secs(20);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// xorshift64*: the same mutations on every run and machine.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const BYTES: &[u8] = b"\0\xff\x7f\x80\"{}[]\n\r,;:\\\t=/.";
const TEXT: [&str; 10] = [
    "99999999999999999999999",
    "-1",
    "1e309",
    "NaN",
    "\"\\u0000\"",
    "null",
    "\u{feff}",
    "From ",
    "\"timestamp\":\"0000-00-00T99:99:99Z\"",
    "=?utf-8?B?====?=",
];

fn mutate(seed: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(8) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] = BYTES[rng.below(BYTES.len())];
            }
            2 => {
                let end = (at + 1 + rng.below(16)).min(v.len());
                v.drain(at.min(end)..end);
            }
            3 => {
                let n = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                v.splice(at..at, bytes);
            }
            4 if !v.is_empty() => {
                let start = rng.below(v.len());
                let end = (start + 1 + rng.below(64)).min(v.len());
                let copy = v[start..end].to_vec();
                let to = rng.below(v.len() + 1);
                v.splice(to..to, copy);
            }
            5 => v.truncate(at),
            6 => {
                let from = rng.below(other.len() + 1);
                v.truncate(at);
                v.extend_from_slice(&other[from..]);
            }
            _ => {
                let t = TEXT[rng.below(TEXT.len())].as_bytes();
                v.splice(at..at, t.iter().copied());
            }
        }
    }
    v
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

/// The seeds of `scripts/fuzz_seeds.py`, built the same way: fixtures by extension, a zip and a
/// tar of each Takeout language, every `.slt` statement for the guard.
fn seeds() -> BTreeMap<&'static str, Vec<(String, Vec<u8>)>> {
    let mut s: BTreeMap<&'static str, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    let mut add = |t: &'static str, name: String, data: &[u8]| {
        s.entry(t)
            .or_default()
            .push((name, data[..data.len().min(262_144)].to_vec()));
    };
    let fixtures = repo().join("crates/lake-cli/tests/fixtures");
    let mut files = Vec::new();
    files_under(&fixtures, &mut files);
    files.retain(|p| p.metadata().map(|m| m.len() < 65_536).unwrap_or(false));
    for lang in ["en", "de", "fr"] {
        let base = fixtures.join("takeout").join(lang);
        let members: Vec<&PathBuf> = files
            .iter()
            .filter(|p| p.starts_with(&base))
            .take(40)
            .collect();
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let mut t = tar::Builder::new(Vec::new());
        for p in &members {
            let name = p
                .strip_prefix(&base)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let data = std::fs::read(p).unwrap();
            z.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(&data).unwrap();
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            t.append_data(&mut h, &name, data.as_slice()).unwrap();
        }
        add(
            "zip",
            format!("{lang}.zip"),
            &z.finish().unwrap().into_inner(),
        );
        add("tar", format!("{lang}.tar"), &t.into_inner().unwrap());
    }
    for (i, p) in files.iter().enumerate() {
        let data = std::fs::read(p).unwrap();
        let rel = p
            .strip_prefix(&fixtures)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let name = format!("{i:03}-{}", p.file_name().unwrap().to_string_lossy());
        let mut head = rel.clone().into_bytes();
        head.push(b'\n');
        head.extend_from_slice(&data[..data.len().min(4096)]);
        add("takeout_classify", name.clone(), &head);
        let low = rel.to_lowercase();
        if low.ends_with(".json") || low.ends_with(".geojson") {
            add("json_doc", name.clone(), &data);
            add("json_array", name.clone(), &data);
        }
        if low.ends_with(".csv") || low.ends_with(".tsv") {
            add("csv", name.clone(), &data);
        }
        if low.ends_with(".mbox") {
            add("mbox", name.clone(), &data);
        }
        if low.ends_with(".ndjson") || low.ends_with(".jsonl") {
            add("ndjson", name, &data);
        }
    }
    add(
        "ndjson",
        "basic".into(),
        b"{\"a\":1,\"b\":\"x\"}\n{\"a\":2.5,\"c\":[1,2]}\n\n{\"a\":null}\n",
    );
    add(
        "ndjson",
        "bad".into(),
        b"{\"a\":1}\n[1,2]\n{\"a\":\n\"\xff\"\n",
    );
    add("json_array", "records".into(), b"{\"locations\":[{\"latitudeE7\":1,\"longitudeE7\":2,\"timestamp\":\"2024-01-01T00:00:00Z\"}]}");
    add("json_doc", "features".into(), b"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},\"properties\":{\"n\":1}}]}");
    add("csv", "semi".into(), b"a;b;c\n1;2;3\n\"x;y\";\"z\nw\";4\n");
    add("mbox", "two".into(), b"From a Mon Jan 1 00:00:00 2024\nFrom: x\nSubject: =?utf-8?B?aGk=?=\n\nbody\n>From y\n\nFrom b Tue Jan 2 00:00:00 2024\nDate: Tue, 2 Jan 2024 00:00:00 +0100\n\n");
    let mut slt = Vec::new();
    files_under(&repo().join("tests/sql"), &mut slt);
    for p in slt
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "slt"))
    {
        let text = std::fs::read_to_string(p).unwrap();
        for (k, block) in text.split("\n\n").enumerate() {
            let lines: Vec<&str> = block.lines().filter(|l| !l.starts_with('#')).collect();
            let Some(first) = lines.first() else { continue };
            if !["query", "error", "statement"]
                .contains(&first.split_whitespace().next().unwrap_or(""))
            {
                continue;
            }
            let sql: Vec<&str> = lines[1..]
                .iter()
                .take_while(|l| !l.starts_with("----"))
                .copied()
                .collect();
            let name = format!("{}-{k}", p.file_stem().unwrap().to_string_lossy());
            add("sql_guard", name, sql.join("\n").as_bytes());
        }
    }
    for (i, q) in [
        "SELECT * FROM read_csv('/etc/passwd')",
        "WITH a AS (SELECT 1) SELECT * FROM a JOIN b USING (x) WHERE y IN (SELECT z FROM c)",
        "SELECT 1; DROP TABLE t",
    ]
    .iter()
    .enumerate()
    {
        add("sql_guard", format!("extra-{i}"), q.as_bytes());
    }
    s
}

/// Runs one input; a panic or a slow input is a finding, written out to be saved.
fn run_one(target: &str, f: Target, name: &str, data: &[u8], findings: &mut Vec<String>) {
    let started = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| f(data)));
    let took = started.elapsed();
    let what = match outcome {
        Err(_) => "panicked",
        Ok(()) if took > SLOW => "took over 20 s",
        Ok(()) => return,
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("fuzz-findings")
        .join(target);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name.replace('/', "_"));
    std::fs::write(&file, data).unwrap();
    findings.push(format!(
        "{target}: input {name} {what}; saved as {} (to keep it: cp it into fuzz/regressions/{target}/)",
        file.display()
    ));
}

#[test]
fn fuzz_targets_survive_saved_findings_seeds_and_mutations() {
    let budget = Duration::from_secs_f64(
        std::env::var("FUZZ_REPLAY_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(4.0),
    );
    let seeds = seeds();
    let mut findings = Vec::new();
    for (target, f) in TARGETS {
        let mut saved = Vec::new();
        files_under(&repo().join("fuzz/regressions").join(target), &mut saved);
        for p in &saved {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            run_one(target, f, &name, &std::fs::read(p).unwrap(), &mut findings);
        }
        let mine = seeds.get(target).map(Vec::as_slice).unwrap_or(&[]);
        assert!(
            !mine.is_empty() || target == "sql_guard" && !saved.is_empty(),
            "{target}: no seeds (fixtures missing?)"
        );
        for (name, data) in mine {
            run_one(target, f, name, data, &mut findings);
        }
        let mut runs = 0usize;
        if !NOT_MUTATED.contains(&target) {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ target.len() as u64);
            let started = Instant::now();
            while started.elapsed() < budget && findings.is_empty() {
                let (sname, seed) = &mine[rng.below(mine.len())];
                let other = &mine[rng.below(mine.len())].1;
                let input = mutate(seed, other, &mut rng);
                run_one(
                    target,
                    f,
                    &format!("{sname}.mut{runs}"),
                    &input,
                    &mut findings,
                );
                runs += 1;
            }
        }
        eprintln!(
            "{target}: {} saved findings, {} seeds, {runs} mutations",
            saved.len(),
            mine.len()
        );
    }
    assert!(
        findings.is_empty(),
        "fuzz findings:\n{}",
        findings.join("\n")
    );
}

/// The mutator must actually change inputs, or the test above proves nothing.
#[test]
fn mutations_differ_from_their_seed() {
    let mut rng = Rng(7);
    let seed = b"{\"a\":[1,2,3],\"b\":\"text\"}".to_vec();
    let changed = (0..100)
        .filter(|_| mutate(&seed, b"other", &mut rng) != seed)
        .count();
    assert!(
        changed > 90,
        "only {changed} of 100 mutations changed the seed"
    );
}

/// A target that panics, or hangs past the limit, is reported with its input saved.
#[test]
fn a_panicking_target_is_a_finding_with_its_input_saved() {
    let mut findings = Vec::new();
    run_one("selftest", |_| {}, "fine", b"x", &mut findings);
    assert!(findings.is_empty());
    run_one(
        "selftest",
        |d| assert!(d.is_empty(), "boom"),
        "bad",
        b"xyz",
        &mut findings,
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0].contains("bad panicked"), "{}", findings[0]);
    let saved = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-findings/selftest/bad");
    assert_eq!(std::fs::read(saved).unwrap(), b"xyz");
}
