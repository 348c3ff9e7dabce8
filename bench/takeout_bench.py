"""Google Takeout: `lake import` against google_takeout_parser, and Records.json against DuckDB.

Called by bench/takeout.sh. One run:
  1. generate (or reuse) a synthetic export with ../shared/takeout-gen (zip parts + Timeline.json);
  2. unzip it once for google_takeout_parser (not timed; the lake reads the zips in place);
  3. time google_takeout_parser on the unpacked Takeout/ and `lake import` of the parts;
  4. time DuckDB read_ndjson of Records.json's locations (as NDJSON, made once) and `lake import`
     of Records.json;
  5. print a table with ratios and goals, and write <out>/takeout-results.json.
Wall time is measured here; peak RSS comes from GNU time's %M (the measured command is forked
from the small `time` process: a child forked straight from this Python process would report at
least this process's own RSS, since Linux carries the pre-exec high-water mark into ru_maxrss).
Heavy work here (the NDJSON conversion) runs in a child for the same reason.

Children: `takeout_bench.py gtp-stream DIR [--locale EN]` (the streaming GTP run) and
`takeout_bench.py to-ndjson RECORDS_JSON OUT` (the NDJSON conversion).
"""
import argparse, ast, collections, json, os, shutil, statistics, subprocess, sys, time

GEN_FIXED = {"locale": "en", "format": "zip", "part_size_mb": 50.0, "stamp": "20240516T230250Z",
             "products": "all", "edge_cases": False}
GOAL_SPEEDUP = 20.0      # lake at least 20x faster than GTP
GOAL_MEM = 0.25          # lake peak RSS at most 1/4 of GTP's
GOAL_RECORDS = 1.2       # lake Records.json import at most 1.2x DuckDB's time


def log(msg):
    print(msg, flush=True)


def mb(n_bytes):
    return n_bytes / 2**20


# ---------------------------------------------------------------- export, unpack, NDJSON (cached)

def manifest_ok(export_dir, seed, scale):
    """The cached export's manifest, if it was made with these arguments and its files are there."""
    mpath = os.path.join(export_dir, "manifest.json")
    try:
        with open(mpath) as f:
            m = json.load(f)
    except (OSError, ValueError):
        return None
    args = m.get("args", {})
    want = dict(GEN_FIXED, seed=seed, scale=scale)
    for k, v in want.items():
        have = args.get(k)
        if isinstance(v, float):
            if not isinstance(have, (int, float)) or abs(have - v) > 1e-9:
                return None
        elif have != v:
            return None
    for p in m.get("parts", []):
        fp = os.path.join(export_dir, p["name"])
        if not os.path.isfile(fp) or os.path.getsize(fp) != p["size"]:
            return None
    if not m.get("parts") or not outside_files(export_dir, m):
        return None
    return m


def outside_files(export_dir, m):
    """The on-device files written beside the archives (Timeline.json for en)."""
    files = []
    for prod in m.get("products", {}).values():
        for f in prod.get("files", []):
            if f.get("outside_archive"):
                fp = os.path.join(export_dir, f["path"])
                if not os.path.isfile(fp):
                    return []
                files.append(fp)
    return sorted(set(files))


def ensure_export(a, export_dir):
    m = manifest_ok(export_dir, a.seed, a.scale)
    if m:
        log(f"== export: reusing {export_dir} (manifest args match)")
        return m, 0.0
    if not a.gen_dir:
        return None, 0.0
    gen = os.path.join(a.gen_dir, "gen_takeout.py")
    cmd = [sys.executable, gen, "--out", export_dir, "--seed", str(a.seed), "--scale", f"{a.scale:g}",
           "--locale", GEN_FIXED["locale"], "--format", GEN_FIXED["format"]]
    log(f"== export: generating ({' '.join(cmd[1:])})")
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"error: the generator failed (exit {r.returncode}):\n{r.stderr[-4000:]}")
    m = manifest_ok(export_dir, a.seed, a.scale)
    if not m:
        sys.exit(f"error: the generator finished but {export_dir}/manifest.json does not match the arguments")
    log(f"   generated in {dt:.1f}s: {m['totals'].get('uncompressed_bytes', 0) / 1e6:.0f} MB uncompressed, "
        f"{len(m['parts'])} part(s)")
    return m, dt


def parts_signature(m):
    return [{"name": p["name"], "size": p["size"], "sha256": p.get("sha256")} for p in m["parts"]]


def ensure_unpacked(export_dir, unpack_dir, m):
    """Unzip every part into one folder, once. Returns the unzip time (0 when cached)."""
    marker = os.path.join(unpack_dir, ".bench-source.json")
    sig = parts_signature(m)
    try:
        with open(marker) as f:
            if json.load(f) == sig and os.path.isdir(os.path.join(unpack_dir, "Takeout")):
                log(f"== unpacked copy for google_takeout_parser: reusing {unpack_dir}")
                return 0.0
    except (OSError, ValueError):
        pass
    log(f"== unpacking {len(sig)} part(s) into {unpack_dir} (not timed)")
    shutil.rmtree(unpack_dir, ignore_errors=True)
    os.makedirs(unpack_dir)
    t = time.perf_counter()
    unzip = shutil.which("unzip")
    for p in sig:
        src = os.path.join(export_dir, p["name"])
        if unzip:
            subprocess.run([unzip, "-q", "-o", src, "-d", unpack_dir], check=True)
        else:
            import zipfile
            with zipfile.ZipFile(src) as z:
                z.extractall(unpack_dir)
    with open(marker, "w") as f:
        json.dump(sig, f)
    return time.perf_counter() - t


def ensure_ndjson(records_json, ndjson, m):
    """Records.json's `locations` array, one object per line, once. Returns the line count."""
    marker = ndjson + ".source.json"
    sig = {"parts": parts_signature(m), "records_size": os.path.getsize(records_json)}
    try:
        with open(marker) as f:
            meta = json.load(f)
        if meta["source"] == sig and os.path.isfile(ndjson):
            log(f"== Records.json as NDJSON: reusing {ndjson}")
            return meta["rows"]
    except (OSError, ValueError, KeyError):
        pass
    log(f"== converting Records.json ({mb(os.path.getsize(records_json)):.0f} MB) to NDJSON (not timed)")
    # In a child, so that this process stays small (see the module docstring).
    r = subprocess.run([sys.executable, os.path.abspath(__file__), "to-ndjson", records_json, ndjson],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"error: converting Records.json to NDJSON failed:\n{r.stderr[-4000:]}")
    rows = int(r.stdout.split()[-1])
    with open(marker, "w") as f:
        json.dump({"source": sig, "rows": rows}, f)
    return rows


def to_ndjson_child(argv):
    src, dst = argv
    with open(src, encoding="utf-8-sig") as f:
        locations = json.load(f)["locations"]
    tmp = dst + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for i in range(0, len(locations), 10000):
            f.write("".join(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n"
                            for o in locations[i:i + 10000]))
    os.replace(tmp, dst)
    print(len(locations))


# ---------------------------------------------------------------- measuring

GNU_TIME = "/usr/bin/time"


def measured(cmd, logs, tag):
    """Run cmd with stdout/stderr in files; wall seconds, peak RSS (MB), exit code, stdout, stderr."""
    os.makedirs(logs, exist_ok=True)
    out_p, err_p = os.path.join(logs, f"{tag}.stdout"), os.path.join(logs, f"{tag}.stderr")
    time_p = os.path.join(logs, f"{tag}.time")
    use_time = os.access(GNU_TIME, os.X_OK)
    full = [GNU_TIME, "-o", time_p, "-f", "%e %M", *cmd] if use_time else cmd
    with open(out_p, "wb") as fo, open(err_p, "wb") as fe:
        t = time.perf_counter()
        p = subprocess.Popen(full, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        dt = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    peak_kb = ru.ru_maxrss            # fallback: inflated by this process's RSS (see the docstring)
    if use_time:
        try:
            with open(time_p) as f:
                peak_kb = int(f.read().split()[-1])   # "%e %M", after any "Command exited ..." line
        except (OSError, ValueError, IndexError):
            pass
    with open(out_p, errors="replace") as f:
        so = f.read()
    with open(err_p, errors="replace") as f:
        se = f.read()
    return {"wall_s": dt, "peak_mb": peak_kb / 1024, "rc": p.returncode, "stdout": so, "stderr": se,
            "cmd": cmd}


def best_of(runs):
    """The run with the median wall time; peak RSS is the highest over the runs."""
    ok = sorted(runs, key=lambda r: r["wall_s"])
    med = dict(ok[(len(ok) - 1) // 2])
    med["peak_mb"] = max(r["peak_mb"] for r in runs)
    med["walls_s"] = [round(r["wall_s"], 3) for r in runs]
    return med


def tail(s, n=1500):
    """The end of a message, on one line."""
    s = " ".join(s.split())
    return s if len(s) <= n else "..." + s[-n:]


def gtp_locale(locale):
    return {"en": "EN", "de": "DE"}.get(locale)


def run_gtp_cli(a, takeout_dir, locale, logs):
    """`google_takeout_parser parse --no-cache -a summary`: the CLI's full parse, as a user runs it."""
    exe = os.path.join(os.path.dirname(sys.executable), "google_takeout_parser")
    cmd = [exe, "--quiet", "parse", "--no-cache", "-a", "summary"]
    if gtp_locale(locale):
        cmd += ["-l", gtp_locale(locale)]
    cmd.append(takeout_dir)
    log(f"== google_takeout_parser CLI: {' '.join(cmd[1:])}")
    r = measured(cmd, logs, "gtp-cli")
    r["mode"] = "cli"
    r["ok"] = r["rc"] == 0
    r["by_type"] = {}
    if r["ok"]:
        s = r["stdout"]
        i = s.rfind("Counter(")
        try:
            r["by_type"] = dict(ast.literal_eval(s[i + len("Counter("):s.rindex(")")].strip())) if i >= 0 else {}
        except (ValueError, SyntaxError):
            r["ok"], r["error"] = False, "could not read the summary: " + tail(s, 300)
    else:
        r["error"] = f"exit {r['rc']}: {tail(r['stderr'])}"
    r["events"] = sum(r["by_type"].values()) if r["ok"] else None
    return r


def run_gtp_stream(a, takeout_dir, locale, logs):
    """The Python API, TakeoutParser(dir).parse(cache=False), counting events without keeping them."""
    cmd = [sys.executable, os.path.abspath(__file__), "gtp-stream", takeout_dir]
    if gtp_locale(locale):
        cmd += ["--locale", gtp_locale(locale)]
    log("== google_takeout_parser API, streamed: TakeoutParser(dir, error_policy='drop').parse(cache=False)")
    r = measured(cmd, logs, "gtp-stream")
    r["mode"] = "stream"
    r["ok"] = r["rc"] == 0
    try:
        r["by_type"] = json.loads(r["stdout"].strip().splitlines()[-1]) if r["ok"] else {}
    except (ValueError, IndexError):
        r["ok"], r["by_type"], r["error"] = False, {}, "no JSON on stdout: " + tail(r["stdout"], 300)
    if r["rc"] != 0:
        r["error"] = f"exit {r['rc']}: {tail(r['stderr'])}"
    r["events"] = sum(r["by_type"].values()) if r["ok"] else None
    return r


def gtp_stream_child(argv):
    ap = argparse.ArgumentParser(prog="takeout_bench.py gtp-stream")
    ap.add_argument("dir")
    ap.add_argument("--locale")
    a = ap.parse_args(argv)
    import logging
    from google_takeout_parser import log as gtp_log
    gtp_log.logger = gtp_log.setup(level=logging.ERROR)   # what the CLI's --quiet does
    from google_takeout_parser.path_dispatch import TakeoutParser
    tp = TakeoutParser(a.dir, error_policy="drop", locale_name=a.locale)
    counts = collections.Counter(type(e).__name__ for e in tp.parse(cache=False))
    print(json.dumps(dict(counts)))


def lake_json(r):
    """Rows and errors from `lake import --json`."""
    try:
        j = json.loads(r["stdout"].strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None, [], None
    rows = sum(d.get("rows", 0) for d in j.get("datasets", []))
    datasets = {d["name"]: d.get("rows", 0) for d in j.get("datasets", [])}
    return rows, j.get("errors", []), datasets


def run_lake(a, paths, lake_dir, logs, tag, extra=()):
    shutil.rmtree(lake_dir, ignore_errors=True)
    cmd = [a.lake_bin, "--lake", lake_dir, "import", *extra, "--json", *paths]
    r = measured(cmd, logs, tag)
    rows, errors, datasets = lake_json(r)
    r["rows"], r["errors"], r["datasets"] = rows, errors, datasets
    r["ok"] = r["rc"] == 0 and not errors and rows is not None
    if not r["ok"]:
        why = "; ".join(f"{os.path.basename(e.get('path', '?'))}: {e.get('code') or e.get('error')}"
                        for e in errors[:4]) or tail(r["stderr"], 400)
        r["error"] = f"exit {r['rc']}: {why}"
    return r


# Records gains keys part-way through (serverTimestamp, ...): DuckDB's default 20480-row schema
# sample then fails, so it reads the whole file for the schema (the lake keeps every column too).
DUCKDB_SQL = "CREATE TABLE t AS SELECT * FROM read_ndjson({path!r}, sample_size=-1)"


def run_duckdb(ndjson, logs, tag):
    sql = DUCKDB_SQL.format(path=ndjson)
    code = (
        "import duckdb, json, time\n"
        "t = time.perf_counter()\n"
        "con = duckdb.connect(':memory:')\n"
        f"con.execute({sql!r})\n"
        "n = con.execute('SELECT count(*) FROM t').fetchone()[0]\n"
        "print(json.dumps({'rows': n, 'inproc_s': time.perf_counter() - t}))\n"
    )
    r = measured([sys.executable, "-c", code], logs, tag)
    r["ok"], r["sql"] = r["rc"] == 0, sql
    if r["ok"]:
        j = json.loads(r["stdout"].strip().splitlines()[-1])
        r["rows"], r["inproc_s"] = j["rows"], j["inproc_s"]
    else:
        r["rows"], r["inproc_s"], r["error"] = None, None, f"exit {r['rc']}: {tail(r['stderr'])}"
    return r


# ---------------------------------------------------------------- report

def ratio(x, y):
    return x / y if x is not None and y else None


def fmt(v, spec):
    return "n/a" if v is None else format(v, spec)


def goal(v, op, target):
    if v is None:
        return "n/a"
    return "PASS" if (v >= target if op == ">=" else v <= target) else "FAIL"


def public(r):
    """A result without the captured output, for the JSON file."""
    if r is None:
        return None
    d = {k: v for k, v in r.items() if k not in ("stdout", "stderr")}
    for k in ("wall_s", "peak_mb", "inproc_s"):
        if isinstance(d.get(k), float):
            d[k] = round(d[k], 3)
    return d


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "gtp-stream":
        return gtp_stream_child(sys.argv[2:])
    if len(sys.argv) > 1 and sys.argv[1] == "to-ndjson":
        return to_ndjson_child(sys.argv[2:])
    ap = argparse.ArgumentParser()
    ap.add_argument("--lake-bin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--scale", type=float, default=20.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--gen-dir", default="")
    ap.add_argument("--gtp-modes", default="cli,stream")
    ap.add_argument("--records-runs", type=int, default=int(os.environ.get("RECORDS_RUNS", "3")))
    a = ap.parse_args()
    modes = [x.strip() for x in a.gtp_modes.split(",") if x.strip()]
    if not modes or any(x not in ("cli", "stream") for x in modes):
        sys.exit(f"error: GTP_MODES must list cli and/or stream, not {a.gtp_modes!r}")
    out = os.path.abspath(a.out)
    name = f"takeout-s{a.scale:g}"
    export_dir, unpack_dir = os.path.join(out, name), os.path.join(out, f"{name}-unpacked")
    logs = os.path.join(out, f"{name}-logs")

    m, gen_s = ensure_export(a, export_dir)
    if m is None:
        log(f"== takeout bench skipped: no takeout-gen and no cached export in {export_dir}")
        return 0
    locale = m.get("locale", GEN_FIXED["locale"])
    parts = [os.path.join(export_dir, p["name"]) for p in m["parts"]]
    beside = outside_files(export_dir, m)
    zip_mb = sum(p["size"] for p in m["parts"]) / 2**20
    raw_mb = m.get("totals", {}).get("uncompressed_bytes", 0) / 2**20
    unzip_s = ensure_unpacked(export_dir, unpack_dir, m)
    takeout_dir = os.path.join(unpack_dir, "Takeout")
    rec_rel = m["products"].get("location_records", {}).get("notes", {}).get(
        "records_file", "Takeout/Location History (Timeline)/Records.json")
    records_json = os.path.join(unpack_dir, rec_rel)
    if not os.path.isfile(records_json):
        sys.exit(f"error: {rec_rel} is not in the export")
    ndjson = os.path.join(out, f"{name}-records.ndjson")
    nd_rows = ensure_ndjson(records_json, ndjson, m)
    log(f"   export: {len(parts)} zip part(s), {zip_mb:.0f} MB compressed, {raw_mb:.0f} MB uncompressed, "
        f"plus {', '.join(os.path.basename(f) for f in beside)}; Records.json {mb(os.path.getsize(records_json)):.0f} MB, "
        f"{nd_rows} locations")

    # Whole export: GTP on the unpacked tree, the lake on the zips in place.
    gtp = {}
    for mode in modes:
        gtp[mode] = (run_gtp_cli if mode == "cli" else run_gtp_stream)(a, takeout_dir, locale, logs)
        r = gtp[mode]
        log(f"   {r['wall_s']:.2f}s, {r['peak_mb']:.0f} MB peak, "
            + (f"{r['events']} events {r['by_type']}" if r["ok"] else f"FAILED: {r.get('error')}"))
    lake_dir = os.path.join(out, f"{name}-lake")
    log(f"== lake import of {len(parts)} zip part(s) + {len(beside)} file(s) beside them, in place")
    lake = run_lake(a, parts + beside, lake_dir, logs, "lake-takeout")
    log(f"   {lake['wall_s']:.2f}s, {lake['peak_mb']:.0f} MB peak, "
        + (f"{lake['rows']} rows in {len(lake['datasets'])} dataset(s)" if lake["ok"] else f"FAILED: {lake.get('error')}"))

    # Records.json alone: DuckDB read_ndjson (in-memory table) vs lake import.
    log(f"== Records.json: DuckDB read_ndjson into an in-memory table vs lake import, median of {a.records_runs}")
    duck_runs = [run_duckdb(ndjson, logs, f"duckdb-{i}") for i in range(a.records_runs)]
    duck = best_of(duck_runs)
    duck["ok"] = all(r["ok"] for r in duck_runs)
    rec_lake_dir = os.path.join(out, f"{name}-lake-records")
    rec_extra = ("--format", "takeout")
    probe = run_lake(a, [records_json], rec_lake_dir, logs, "lake-records-0", rec_extra)
    if probe["rc"] == 2 and "takeout" in probe["stderr"]:
        log("   (`lake import --format takeout` is not accepted by this binary: plain `lake import` instead)")
        rec_extra = ()
        probe = run_lake(a, [records_json], rec_lake_dir, logs, "lake-records-0", rec_extra)
    rec_runs = [probe] + [run_lake(a, [records_json], rec_lake_dir, logs, f"lake-records-{i}", rec_extra)
                          for i in range(1, a.records_runs)]
    rec = best_of(rec_runs)
    rec["ok"] = all(r["ok"] for r in rec_runs)
    rec["format_flag"] = " ".join(rec_extra) or None

    # Report.
    head = gtp.get("cli") or gtp.get("stream")
    ratios = {}
    for mode, g in gtp.items():
        ok = g["ok"] and lake["ok"]
        ratios[f"speedup_vs_gtp_{mode}"] = ratio(g["wall_s"], lake["wall_s"]) if ok else None
        ratios[f"peak_lake_over_gtp_{mode}"] = ratio(lake["peak_mb"], g["peak_mb"]) if ok else None
    ok_rec = rec["ok"] and duck["ok"]
    ratios["records_lake_over_duckdb"] = ratio(rec["wall_s"], duck["wall_s"]) if ok_rec else None
    ratios["records_lake_over_duckdb_inproc"] = ratio(rec["wall_s"], duck.get("inproc_s")) if ok_rec else None

    print()
    print(f"Takeout export: scale {a.scale:g}, seed {a.seed}, locale {locale}: {len(parts)} zip part(s), "
          f"{zip_mb:.0f} MB compressed, {raw_mb:.0f} MB uncompressed")
    print(f"{'tool':<44}{'wall s':>9}{'peak MB':>10}{'rows/events':>13}  note")
    rows = []
    for mode, g in gtp.items():
        label = "google_takeout_parser CLI (list)" if mode == "cli" else "google_takeout_parser API (streamed)"
        rows.append((label, g, g.get("events"), "unpacked Takeout/ (unzip not timed)"))
    rows.append(("lake import (zips + beside files)", lake, lake.get("rows"), "zips read in place"))
    rows.append(("DuckDB read_ndjson -> table (Records)", duck, duck.get("rows"),
                 f"in-process {fmt(duck.get('inproc_s'), '.2f')}s; NDJSON made once"))
    rows.append(("lake import Records.json", rec, rec.get("rows"), "--format takeout" if rec["format_flag"] else "plain import"))
    for label, r, n, note in rows:
        if not r["ok"]:
            note = "FAILED: " + " ".join(r.get("error", "").split())[:150]
        print(f"{label:<44}{r['wall_s']:>9.2f}{r['peak_mb']:>10.0f}{fmt(n, 'd'):>13}  {note}")
    print()
    print(f"{'ratio':<52}{'value':>8}  goal")
    for mode in gtp:
        sp, pk = ratios[f"speedup_vs_gtp_{mode}"], ratios[f"peak_lake_over_gtp_{mode}"]
        print(f"{'GTP ' + mode + ' time / lake time (lake is N x faster)':<52}{fmt(sp, '.1f'):>8}  "
              f">= {GOAL_SPEEDUP:g}x {goal(sp, '>=', GOAL_SPEEDUP)}")
        print(f"{'lake peak / GTP ' + mode + ' peak':<52}{fmt(pk, '.3f'):>8}  "
              f"<= {GOAL_MEM:g} {goal(pk, '<=', GOAL_MEM)}")
    rr, ri = ratios["records_lake_over_duckdb"], ratios["records_lake_over_duckdb_inproc"]
    print(f"{'lake Records time / DuckDB time (whole process)':<52}{fmt(rr, '.2f'):>8}  "
          f"<= {GOAL_RECORDS:g}  {goal(rr, '<=', GOAL_RECORDS)}")
    print(f"{'lake Records time / DuckDB in-process time':<52}{fmt(ri, '.2f'):>8}  (for reference)")
    if duck["ok"] and duck["rows"] != nd_rows:
        print(f"warning: DuckDB read {duck['rows']} rows, the NDJSON has {nd_rows}")
    if head and head["ok"] and "Location" in head["by_type"] and \
            head["by_type"]["Location"] != m["counts"].get("location_records_points"):
        print(f"note: GTP Location events {head['by_type']['Location']} vs manifest "
              f"location_records_points {m['counts'].get('location_records_points')}")
    print("GTP gets the unpacked Takeout/ only (it has no parser for the on-device Timeline.json); "
          "both count what they parse, so rows/events differ.")
    import duckdb, importlib.metadata as md
    versions = {"duckdb": duckdb.__version__, "google_takeout_parser": md.version("google_takeout_parser"),
                "python": sys.version.split()[0]}
    try:
        v = subprocess.run([a.lake_bin, "--version"], capture_output=True, text=True).stdout.strip()
        versions["lake"] = v.split()[-1] if v else "?"
    except OSError:
        pass
    print(", ".join(f"{k} {v}" for k, v in versions.items()) + f"; logs in {logs}")

    results = {
        "export": {"dir": export_dir, "scale": a.scale, "seed": a.seed, "locale": locale, "parts": len(parts),
                   "zip_mb": round(zip_mb, 1), "uncompressed_mb": round(raw_mb, 1),
                   "beside": [os.path.basename(f) for f in beside], "generate_s": round(gen_s, 2),
                   "unzip_s": round(unzip_s, 2), "records_json_mb": round(mb(os.path.getsize(records_json)), 1),
                   "records_locations": nd_rows, "manifest_counts": m.get("counts", {})},
        "gtp": {mode: public(g) for mode, g in gtp.items()},
        "lake_import": public(lake),
        "records": {"duckdb": public(duck), "lake": public(rec)},
        "ratios": {k: (round(v, 4) if v is not None else None) for k, v in ratios.items()},
        "goals": {"speedup_vs_gtp_min": GOAL_SPEEDUP, "peak_lake_over_gtp_max": GOAL_MEM,
                  "records_lake_over_duckdb_max": GOAL_RECORDS},
        "versions": versions,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    res_p = os.path.join(out, "takeout-results.json")
    with open(res_p + ".tmp", "w") as f:
        json.dump(results, f, indent=2)
    os.replace(res_p + ".tmp", res_p)
    print(f"figures written to {res_p}")
    failed = [n for n, r in [*(("gtp " + k, v) for k, v in gtp.items()), ("lake import", lake),
                             ("duckdb", duck), ("lake records", rec)] if not r["ok"]]
    if failed:
        print(f"error: failed: {', '.join(failed)} (see {logs})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
