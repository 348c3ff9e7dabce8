//! Nothing leaves the machine: import (files and a Takeout export), query and explain run under
//! `strace`, and any socket other than a Unix one, or a connection to anything but loopback,
//! fails the test.

use std::path::Path;
use std::process::Command;

use crate::common::{lake_bin, manifest_dir, TestLake};

/// The network calls `args` makes, as strace prints them.
fn network_calls(lake: &TestLake, args: &[&str]) -> Vec<String> {
    let log = lake.dir.path().join("strace.log");
    let out = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=socket,connect,sendto,sendmsg,bind",
        ])
        .arg("-o")
        .arg(&log)
        .arg(lake_bin())
        .arg("--lake")
        .arg(lake.path())
        .args(args)
        .env_remove("LAKE_DIR")
        .output()
        .expect("strace runs (make deps installs it)");
    assert!(
        out.status.success(),
        "lake {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Whether a traced call leaves the machine: an Internet or packet socket, or a connection
/// or datagram to an address other than loopback.
fn leaves_the_machine(line: &str) -> bool {
    let inet = ["AF_INET", "AF_INET6", "AF_PACKET"]
        .iter()
        .any(|f| line.contains(&format!("{f},")) || line.contains(&format!("sa_family={f}")));
    let loopback = line.contains("127.0.0.1") || line.contains("::1");
    inet && !loopback
}

#[test]
fn import_query_and_explain_open_no_network_socket() {
    // The check itself must catch a real connection attempt.
    assert!(leaves_the_machine(
        "1 connect(5, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr(\"140.82.1.1\")}, 16) = -1"
    ));
    assert!(leaves_the_machine(
        "1 socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP) = 5"
    ));
    assert!(!leaves_the_machine(
        "1 connect(3, {sa_family=AF_UNIX, sun_path=\"/var/run/nscd/socket\"}, 110) = -1"
    ));

    let lake = TestLake::new();
    let csv = lake.file("trips.csv", "id,city,km\n1,Lisbon,12.5\n2,Porto,3\n");
    let takeout = manifest_dir().join("tests/fixtures/takeout/en/Takeout");
    let takeout = takeout.to_str().unwrap();
    let csv = csv.to_str().unwrap();
    let out = lake.dir.path().join("out.parquet");
    let out = out.to_str().unwrap();
    let runs: Vec<Vec<&str>> = vec![
        vec!["import", csv],
        vec!["import", takeout],
        vec!["query", "SELECT city, sum(km) FROM trips GROUP BY city"],
        vec![
            "explain",
            "--analyze",
            "SELECT count(*) FROM takeout.emails",
        ],
        vec![
            "query",
            "--format",
            "parquet",
            "--output",
            out,
            "SELECT * FROM trips",
        ],
    ];
    for args in runs {
        let calls = network_calls(&lake, &args);
        let bad: Vec<&String> = calls.iter().filter(|l| leaves_the_machine(l)).collect();
        assert!(
            bad.is_empty(),
            "lake {args:?} reached for the network: {bad:#?}"
        );
    }
    assert!(Path::new(out).exists());
}
