//! Hostile and broken input through `lake import`: every case is refused (or read with a
//! documented loss) with the file and entry or line named, nothing is written outside the
//! lake, the lake keeps what it had, and the process's peak memory stays bounded.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{lake_bin, run_measured, Measured, TestLake};

/// What must hold after any refused import: only `keep`, staging empty, no data folder for
/// anything else, nothing named `evil*` anywhere in the test's folder or next to it.
fn assert_untouched(lake: &TestLake) {
    let list: serde_json::Value = serde_json::from_str(&lake.ok(&["datasets", "--json"])).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["keep"]);
    assert!(
        std::fs::read_dir(lake.path().join("staging"))
            .unwrap()
            .next()
            .is_none(),
        "staging not cleaned"
    );
    let data: Vec<_> = std::fs::read_dir(lake.path().join("data"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(data, ["keep"]);
    fn walk(d: &Path, found: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
            let p = e.path();
            if e.file_name().to_string_lossy().starts_with("evil") {
                found.push(p.clone());
            }
            if e.file_type().unwrap().is_dir() {
                walk(&p, found);
            }
        }
    }
    let mut found = Vec::new();
    walk(lake.dir.path(), &mut found);
    let parent = lake.dir.path().parent().unwrap();
    for name in ["evil", "evil.json", "evil.txt"] {
        if parent.join(name).exists() {
            found.push(parent.join(name));
        }
    }
    assert!(found.is_empty(), "written outside the lake: {found:?}");
}

fn import_measured(lake: &TestLake, path: &Path) -> Measured {
    let mut c = Command::new(lake_bin());
    c.arg("--lake").arg(lake.path()).arg("import").arg(path);
    run_measured(c)
}

/// Imports `path`, expects a refusal naming `entry` with `why`, and an untouched lake.
fn refused(lake: &TestLake, path: &Path, entry: &str, why: &str) -> Measured {
    let m = import_measured(lake, path);
    assert_eq!(
        m.code,
        Some(1),
        "{}: {}{}",
        path.display(),
        m.stdout,
        m.stderr
    );
    assert!(
        m.stderr.contains("error[bad_input]") && m.stderr.contains(entry) && m.stderr.contains(why),
        "{}: expected {entry:?} and {why:?} in: {}",
        path.display(),
        m.stderr
    );
    assert_untouched(lake);
    m
}

// ---------------------------------------------------------------- zip

use zip::write::SimpleFileOptions;

fn zip_with(path: &Path, build: impl FnOnce(&mut zip::ZipWriter<std::fs::File>)) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    build(&mut w);
    w.finish().unwrap();
}

fn stored() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)
}

fn add(w: &mut zip::ZipWriter<std::fs::File>, name: &str, data: &[u8]) {
    w.start_file(name, SimpleFileOptions::default()).unwrap();
    w.write_all(data).unwrap();
}

/// A valid entry first, so a refusal is not just "empty archive".
fn takeout_start(w: &mut zip::ZipWriter<std::fs::File>) {
    add(
        w,
        "Takeout/Keep/note.json",
        br#"{"title":"hi","textContent":"x","userEditedTimestampUsec":1700000000000000}"#,
    );
}

/// Replaces every occurrence of `from` by `to` (same length) in the file.
fn patch(path: &Path, from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut b = std::fs::read(path).unwrap();
    let mut hits = 0;
    let mut i = 0;
    while i + from.len() <= b.len() {
        if &b[i..i + from.len()] == from {
            b[i..i + from.len()].copy_from_slice(to);
            hits += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    assert!(hits > 0, "pattern not found");
    std::fs::write(path, b).unwrap();
}

/// The start of a Gmail mbox (so the Gmail reader streams what follows).
const MBOX_HEAD: &[u8] =
    b"From 1@xxx Wed Mar 20 06:17:24 +0000 2024\nX-GM-THRID: 1\nFrom: a@b.c\nSubject: hi\n\n";

#[test]
fn hostile_zip_archives_are_refused_naming_the_entry() {
    let lake = TestLake::with_keep();
    let dir = lake.dir.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let mut cases = 0;
    let mut case = |name: &str, build: &dyn Fn(&Path), entry: &str, why: &str| {
        let p = dir.join(format!("takeout-{name}.zip"));
        build(&p);
        let m = refused(&lake, &p, entry, why);
        assert!(m.peak_mib < 400, "{name}: peak {} MiB", m.peak_mib);
        cases += 1;
    };
    let simple = |entry: &'static str| {
        move |p: &Path| {
            zip_with(p, |w| {
                takeout_start(w);
                add(w, entry, b"{}");
            })
        }
    };
    case(
        "dotdot",
        &simple("Takeout/../../evil.json"),
        "evil.json",
        "`..`",
    );
    case(
        "absolute",
        &simple("/tmp/evil.json"),
        "/tmp/evil.json",
        "absolute",
    );
    case(
        "windows-drive",
        &simple("C:\\Users\\evil.json"),
        "evil.json",
        "absolute",
    );
    case(
        "windows-dotdot",
        &simple("Takeout\\..\\..\\evil.json"),
        "evil.json",
        "`..`",
    );
    case(
        "unc",
        &simple("\\\\server\\share\\evil.json"),
        "evil.json",
        "absolute",
    );
    case(
        "nul",
        &|p: &Path| {
            zip_with(p, |w| {
                takeout_start(w);
                add(w, "Takeout/Keep/evil.jsonXtxt", b"{}");
            });
            patch(p, b"evil.jsonXtxt", b"evil.json\0txt");
        },
        "evil.json",
        "NUL",
    );
    case(
        "symlink",
        &|p: &Path| {
            zip_with(p, |w| {
                takeout_start(w);
                w.add_symlink("Takeout/evil-link", "/etc", SimpleFileOptions::default())
                    .unwrap();
            })
        },
        "evil-link",
        "symbolic link",
    );
    case(
        "symlink-then-file-through-it",
        &|p: &Path| {
            zip_with(p, |w| {
                takeout_start(w);
                w.add_symlink("Takeout/evil", "/tmp", SimpleFileOptions::default())
                    .unwrap();
                add(w, "Takeout/evil/evil.txt", b"owned");
            })
        },
        "Takeout/evil",
        "symbolic link",
    );
    case(
        "duplicate",
        &|p: &Path| {
            zip_with(p, |w| {
                takeout_start(w);
                add(w, "Takeout/Keep/evil-a.json", b"{\"title\":\"a\"}");
                add(w, "Takeout/Keep/evil-b.json", b"{\"title\":\"b\"}");
            });
            patch(p, b"evil-b.json", b"evil-a.json");
        },
        "evil-a.json",
        "appears twice",
    );
    case(
        "lying-size",
        &|p: &Path| {
            // A stored entry of 300 bytes whose headers say 3.
            let body = vec![b'x'; 300];
            zip_with(p, |w| {
                takeout_start(w);
                w.start_file("Takeout/evil-lies.txt", stored()).unwrap();
                w.write_all(&body).unwrap();
            });
            let mut b = std::fs::read(p).unwrap();
            for sig in [&b"PK\x03\x04"[..], &b"PK\x01\x02"[..]] {
                // Local header: uncompressed size at +22; central: at +24.
                let off = if sig == b"PK\x03\x04" { 22 } else { 24 };
                let mut i = 0;
                while let Some(k) = b[i..].windows(4).position(|w| w == sig) {
                    let at = i + k;
                    let name_len = if sig == b"PK\x03\x04" { 26 } else { 28 };
                    let n = u16::from_le_bytes([b[at + name_len], b[at + name_len + 1]]) as usize;
                    let name_at = at + if sig == b"PK\x03\x04" { 30 } else { 46 };
                    if &b[name_at..name_at + n] == b"Takeout/evil-lies.txt" {
                        b[at + off..at + off + 4].copy_from_slice(&3u32.to_le_bytes());
                    }
                    i = at + 4;
                }
            }
            std::fs::write(p, b).unwrap();
        },
        "evil-lies.txt",
        "larger than its declared",
    );
    case(
        "bomb",
        &|p: &Path| {
            // 256 MiB of zeros deflate to about 250 KiB (a ratio above 1000), named as the
            // Gmail mbox so the reader streams through it.
            zip_with(p, |w| {
                takeout_start(w);
                w.start_file(
                    "Takeout/Mail/All mail Including Spam and Trash.mbox",
                    SimpleFileOptions::default().large_file(false),
                )
                .unwrap();
                w.write_all(MBOX_HEAD).unwrap();
                let zeros = vec![0u8; 1 << 20];
                for _ in 0..256 {
                    w.write_all(&zeros).unwrap();
                }
            })
        },
        "All mail",
        "zip bomb",
    );
    assert_eq!(cases, 11);
}

#[test]
fn a_zip_with_twenty_thousand_tiny_entries_imports_with_bounded_memory() {
    let lake = TestLake::with_keep();
    let p = lake.dir.path().join("in/takeout-tiny.zip");
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    zip_with(&p, |w| {
        takeout_start(w);
        for i in 0..20_000 {
            w.start_file(format!("Takeout/Drive/f{i}.bin"), stored())
                .unwrap();
            w.write_all(&[(i % 251) as u8]).unwrap();
        }
    });
    let t = std::time::Instant::now();
    let m = import_measured(&lake, &p);
    assert_eq!(m.code, Some(0), "{}{}", m.stdout, m.stderr);
    assert!(
        m.stdout.contains("20001 file(s) not recognized"),
        "{}",
        m.stdout
    );
    assert!(m.peak_mib < 400, "peak {} MiB", m.peak_mib);
    eprintln!(
        "20,000 tiny entries: {:?}, peak {} MiB",
        t.elapsed(),
        m.peak_mib
    );
}

// ---------------------------------------------------------------- tar

/// One ustar header (512 bytes) with a correct checksum.
fn tar_header(name: &[u8], size: u64, kind: u8, link: &[u8]) -> [u8; 512] {
    let mut h = [0u8; 512];
    h[..name.len()].copy_from_slice(name);
    h[100..108].copy_from_slice(b"0000644\0");
    h[108..116].copy_from_slice(b"0000000\0");
    h[116..124].copy_from_slice(b"0000000\0");
    h[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    h[136..148].copy_from_slice(b"00000000000\0");
    h[156] = kind;
    h[157..157 + link.len()].copy_from_slice(link);
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| b as u32).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    h
}

struct Tar(Vec<u8>);

impl Tar {
    fn new() -> Self {
        let mut t = Tar(Vec::new());
        t.file(
            b"Takeout/Keep/note.json",
            br#"{"title":"hi","textContent":"x","userEditedTimestampUsec":1700000000000000}"#,
        );
        t
    }
    fn file(&mut self, name: &[u8], data: &[u8]) -> &mut Self {
        self.0
            .extend_from_slice(&tar_header(name, data.len() as u64, b'0', b""));
        self.0.extend_from_slice(data);
        self.0.resize(self.0.len().div_ceil(512) * 512, 0);
        self
    }
    fn special(&mut self, name: &[u8], kind: u8, link: &[u8]) -> &mut Self {
        self.0.extend_from_slice(&tar_header(name, 0, kind, link));
        self
    }
    /// A header that says `size` but is followed by only `data` (then the end).
    fn lying(&mut self, name: &[u8], size: u64, data: &[u8]) -> &mut Self {
        self.0.extend_from_slice(&tar_header(name, size, b'0', b""));
        self.0.extend_from_slice(data);
        self
    }
    fn write_tgz(&self, path: &Path, end: bool) {
        let f = std::fs::File::create(path).unwrap();
        let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
        gz.write_all(&self.0).unwrap();
        if end {
            gz.write_all(&[0u8; 1024]).unwrap();
        }
        gz.finish().unwrap();
    }
}

#[test]
fn hostile_tgz_archives_are_refused_naming_the_entry() {
    let lake = TestLake::with_keep();
    let dir = lake.dir.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let cases: Vec<(&str, Tar, bool, &str, &str)> = vec![
        (
            "dotdot",
            {
                let mut t = Tar::new();
                t.file(b"Takeout/../../evil.json", b"{}");
                t
            },
            true,
            "evil.json",
            "`..`",
        ),
        (
            "absolute",
            {
                let mut t = Tar::new();
                t.file(b"/tmp/evil.json", b"{}");
                t
            },
            true,
            "/tmp/evil.json",
            "absolute",
        ),
        (
            "symlink",
            {
                let mut t = Tar::new();
                t.special(b"Takeout/evil-link", b'2', b"/etc");
                t
            },
            true,
            "evil-link",
            "symbolic link",
        ),
        (
            "hardlink",
            {
                let mut t = Tar::new();
                t.special(b"Takeout/evil-hard", b'1', b"/etc/passwd");
                t
            },
            true,
            "evil-hard",
            "hard link",
        ),
        (
            "symlink-then-file",
            {
                let mut t = Tar::new();
                t.special(b"Takeout/evil", b'2', b"/tmp");
                t.file(b"Takeout/evil/evil.txt", b"owned");
                t
            },
            true,
            "Takeout/evil",
            "symbolic link",
        ),
        (
            "fifo",
            {
                let mut t = Tar::new();
                t.special(b"Takeout/evil-fifo", b'6', b"");
                t
            },
            true,
            "evil-fifo",
            "device or a pipe",
        ),
        (
            "device",
            {
                let mut t = Tar::new();
                t.special(b"Takeout/evil-dev", b'3', b"");
                t
            },
            true,
            "evil-dev",
            "device or a pipe",
        ),
        (
            "duplicate",
            {
                let mut t = Tar::new();
                t.file(b"Takeout/Keep/evil.json", b"{\"title\":\"a\"}");
                t.file(b"Takeout/Keep/evil.json", b"{\"title\":\"b\"}");
                t
            },
            true,
            "evil.json",
            "appears twice",
        ),
        (
            "lying-size",
            {
                let mut t = Tar::new();
                t.lying(b"Takeout/Keep/evil.json", 1 << 30, b"{\"title\":\"short\"}");
                t
            },
            false,
            "",
            "",
        ),
    ];
    let n = cases.len();
    for (name, tar, end, entry, why) in cases {
        let p = dir.join(format!("takeout-{name}.tgz"));
        tar.write_tgz(&p, end);
        if entry.is_empty() {
            // Damaged rather than hostile: any clear bad-input error naming the archive.
            let m = import_measured(&lake, &p);
            assert_eq!(m.code, Some(1), "{name}: {}{}", m.stdout, m.stderr);
            assert!(
                m.stderr.contains(&format!("takeout-{name}.tgz")),
                "{name}: {}",
                m.stderr
            );
            assert_untouched(&lake);
        } else {
            refused(&lake, &p, entry, why);
        }
    }
    assert_eq!(n, 9);

    // A tgz bomb: 512 MiB of zeros in one entry, about 0.5 MiB on disk.
    let p = dir.join("takeout-bomb.tgz");
    let f = std::fs::File::create(&p).unwrap();
    let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::best());
    let mut t = Tar::new();
    t.0.extend_from_slice(&tar_header(
        b"Takeout/Mail/All mail Including Spam and Trash.mbox",
        512 << 20,
        b'0',
        b"",
    ));
    gz.write_all(&t.0).unwrap();
    let mut first = vec![0u8; 1 << 20];
    first[..MBOX_HEAD.len()].copy_from_slice(MBOX_HEAD);
    gz.write_all(&first).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 1..512 {
        gz.write_all(&zeros).unwrap();
    }
    gz.write_all(&[0u8; 1024]).unwrap();
    gz.finish().unwrap();
    let m = refused(&lake, &p, "All mail", "zip bomb");
    assert!(m.peak_mib < 400, "peak {} MiB", m.peak_mib);
}

/// Writes `head`, then `n` MiB of `fill`, then the tar's end, as a tgz.
fn tgz_with_big_entry(p: &Path, head: &[u8], n: usize, fill: u8) {
    let f = std::fs::File::create(p).unwrap();
    let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::best());
    gz.write_all(&Tar::new().0).unwrap();
    gz.write_all(head).unwrap();
    let chunk = vec![fill; 1 << 20];
    for _ in 0..n {
        gz.write_all(&chunk).unwrap();
    }
    gz.write_all(&[0u8; 1024]).unwrap();
    gz.finish().unwrap();
}

/// Extension headers (GNU long names, pax headers) are read with a cap, and entries the reader
/// skips count against the archive's budget: none of them can make the reader hold or inflate
/// without limit.
#[test]
fn tar_extension_headers_and_skipped_entries_are_capped() {
    let lake = TestLake::with_keep();
    let dir = lake.dir.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    // A GNU long name of 200 MiB: the tar reader would hold it whole.
    let p = dir.join("takeout-longname.tgz");
    tgz_with_big_entry(
        &p,
        &tar_header(b"././@LongLink", 200 << 20, b'L', b""),
        200,
        b'a',
    );
    let m = refused(
        &lake,
        &p,
        "entry 1",
        "long name is 209715200 bytes; at most 65536",
    );
    assert!(m.peak_mib < 200, "peak {} MiB", m.peak_mib);
    // A pax header of 200 MiB.
    let p = dir.join("takeout-pax.tgz");
    tgz_with_big_entry(
        &p,
        &tar_header(b"PaxHeader/x", 200 << 20, b'x', b""),
        200,
        b'9',
    );
    let m = refused(&lake, &p, "entry 1", "pax header is 209715200 bytes");
    assert!(m.peak_mib < 200, "peak {} MiB", m.peak_mib);
    // A long name and a pax path that are fine still name the entry they describe.
    let mut t = Tar::new();
    let long = format!("Takeout/Keep/{}.json", "n".repeat(150));
    t.0.extend_from_slice(&tar_header(
        b"././@LongLink",
        long.len() as u64 + 1,
        b'L',
        b"",
    ));
    t.0.extend_from_slice(long.as_bytes());
    t.0.push(0);
    t.0.resize(t.0.len().div_ceil(512) * 512, 0);
    t.file(
        b"Takeout/Keep/short.json",
        br#"{"title":"long","textContent":"y"}"#,
    );
    let p = dir.join("takeout-longok.tgz");
    t.write_tgz(&p, true);
    let report = lake.import(&[&p], &[]);
    let listed: Vec<&str> = report["takeout"]["unrecognized"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["path"].as_str().unwrap())
        .collect();
    assert!(listed.contains(&long.as_str()), "{report}");
    assert!(!listed.contains(&"Takeout/Keep/short.json"), "{report}");
    // A skipped entry (a volume label, type V) of 300 MiB of zeros, 0.3 MiB on disk: more
    // than the archive's 1000× budget allows, though the reader never hands it on.
    let lake = TestLake::with_keep();
    let p = dir.join("takeout-skipped.tgz");
    tgz_with_big_entry(
        &p,
        &tar_header(b"Takeout/evil-label", 300 << 20, b'V', b""),
        300,
        0,
    );
    let m = refused(&lake, &p, "evil-label", "zip bomb");
    assert!(m.peak_mib < 200, "peak {} MiB", m.peak_mib);
    eprintln!("300 MiB skipped tar entry: peak {} MiB", m.peak_mib);
}
