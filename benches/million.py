#!/usr/bin/env python3
"""casebook at a million cases, side by side with the sqlite3 floor (issue 8).

    python3 benches/million.py                  # 1 000 000 cases: ~5 GB, minutes to generate
    python3 benches/million.py --cases 200000   # smaller, same table

Builds the release binary, generates the cases once into a cached file
(target/bench/cases-N.sqlite3, reused while it holds N cases), then prints one
Markdown table: each operation, casebook's wall time, the sqlite3 shell's time
for a plain read of the same file where there is one, their ratio, and
casebook's peak memory (RSS). Python 3 standard library only; uses tmux for
the app (as benches/tui_latency.py does), /usr/bin/time -v for peak memory if
present, and the sqlite3 shell for the floor.

Every command runs at a fixed machine clock (CASEBOOK_CLOCK), so the figures
are reproducible:
the data is generated as of GEN_AT; a first `list` brings the derived data to
WARM_AT, then `list` is timed after each of three 5-minute moves of the clock
(the median is shown), the app 5 minutes after that, and everything else at
the app's time. Quick commands are the best of --runs
runs (while they take under 10 s in all), the reports and their floor (timed
just before each) the best of --runs + 2; peak memory is the largest seen.
"""
import argparse
import datetime
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The release binary where cargo puts it (CARGO_TARGET_DIR when set).
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
BIN = os.path.join(TARGET, "release", "casebook")
GEN_AT = "2026-11-23T00:00:00Z"
# The first clock after generating; a file measured before starts at the hour
# after its last clock instead (a clock that went back re-derives every case).
WARM_AT = datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.timezone.utc)
MOVE = datetime.timedelta(minutes=5)
SEED = "11"
# One plain scan of the cases table: the floor for every report. NOT INDEXED,
# or SQLite would read the small opened_at index instead of the table.
SCAN = "SELECT count(*), sum(opened_at) FROM cases NOT INDEXED"
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def say(*a):
    print(*a, file=sys.stderr, flush=True)


def measured(argv, stdout=subprocess.DEVNULL):
    """Runs argv to the end; returns (wall seconds, peak RSS in bytes or None)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        cmd = [GNU_TIME, "-v", "-o", report.name] + argv if GNU_TIME else argv
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        done = subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE)
        took = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"failed ({done.returncode}): {' '.join(argv)}\n{done.stderr.decode(errors='replace')}")
        return took, peak_rss(report.name, before)


def peak_rss(time_report, before):
    if GNU_TIME:
        for line in open(time_report):
            if "Maximum resident set size" in line:
                return int(line.rsplit(":", 1)[1]) * 1024
        return None
    # The largest of all children so far: exact only when it grew.
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return after * 1024 if after > before else None


def best(argv, runs, stdout=subprocess.DEVNULL):
    """The best wall time of up to `runs` runs (fewer once 10 s are spent), the largest RSS."""
    times, peaks, spent = [], [], 0.0
    while len(times) < runs and (not times or spent < 10.0):
        took, peak = measured(argv, stdout)
        times.append(took)
        peaks.append(peak or 0)
        spent += took
    return min(times), max(peaks) or None


def casebook(db, *args):
    return [BIN, "--db", db, *args]


def at_clock(clock, db, *args):
    """casebook with the machine's clock reading `clock` (CASEBOOK_CLOCK): the
    file's clock moves with it, as with the real clock. (--as-of is a view of
    a moment, computed in memory, that never moves the file's clock.)"""
    return ["env", f"CASEBOOK_CLOCK={clock}", BIN, "--db", db, *args]


def sql_value(db, query):
    out = subprocess.run(["sqlite3", db, query], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"sqlite3 {db}: {out.stderr}")
    return out.stdout.strip()


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def first_clock(db):
    """WARM_AT, or for a file measured before, the hour after its last clock
    (kept in FILE.clock: the store does not write its clock when nothing was due)."""
    last = 0
    try:
        last = int(sql_value(db, "SELECT value FROM meta WHERE key = 'derived_at'")) // 1000
    except (SystemExit, ValueError):
        pass
    try:
        last = max(last, int(open(db + ".clock").read()))
    except (OSError, ValueError):
        pass
    if last < WARM_AT.timestamp():
        return WARM_AT
    hour = datetime.datetime.fromtimestamp(last - last % 3600, datetime.timezone.utc)
    return hour + datetime.timedelta(hours=1)


def keep_clock(db, clock):
    with open(db + ".clock", "w") as f:
        f.write(str(int(clock.timestamp())))


def remove_db(db):
    for suffix in ("", "-wal", "-shm", ".clock"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)


def cached(db, cases):
    """Generates `cases` cases into db unless it already holds them; returns the seconds it took."""
    if os.path.exists(db):
        try:
            if int(sql_value(db, "SELECT count(*) FROM cases")) == cases:
                say(f"reusing {db} ({cases} cases)")
                return None
        except (SystemExit, ValueError):
            pass
        say(f"{db} does not hold {cases} cases: generating it again")
        remove_db(db)
    os.makedirs(os.path.dirname(os.path.abspath(db)), exist_ok=True)
    say(f"generating {cases} cases into {db} …")
    took, _ = measured(at_clock(GEN_AT, db, "generate", "--cases", str(cases), "--seed", SEED))
    return took


def app_latency(db, at, keys=5):
    """The app through tmux, as benches/tui_latency.py does it: the first frame
    with the table, then the median of `keys` presses of j to a changed screen.
    Returns (first frame s, median key s, peak RSS)."""
    tmux = ["tmux", "-L", "casebook-million"]
    pane = lambda: subprocess.run(tmux + ["capture-pane", "-p", "-t", "m"], capture_output=True, text=True).stdout
    subprocess.run(tmux + ["kill-server"], stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    report = tempfile.NamedTemporaryFile("r", suffix=".time", delete=False).name
    subprocess.run(tmux + ["new-session", "-d", "-s", "m", "-x", "120", "-y", "30", "bash --norc"], check=True)
    time.sleep(0.5)
    wrap = f"{GNU_TIME} -v -o {report} " if GNU_TIME else ""
    start = time.perf_counter()
    subprocess.run(tmux + ["send-keys", "-t", "m", f"CASEBOOK_CLOCK={at} {wrap}{BIN} --db {db}", "Enter"])
    first = None
    while time.perf_counter() - start < 120:
        out = pane()
        if "sort urgency" in out and " of " in out:
            first = time.perf_counter() - start
            break
        time.sleep(0.005)
    if first is None:
        say("the app showed no table within 120 s:\n" + out)
    # Let any background work (counts, scorecards) settle before timing keys.
    settled, last, since = time.perf_counter(), pane(), time.perf_counter()
    while time.perf_counter() - settled < 30 and time.perf_counter() - since < 0.5:
        time.sleep(0.05)
        now = pane()
        if now != last:
            last, since = now, time.perf_counter()
    latencies = []
    for _ in range(keys if first is not None else 0):
        prev = pane()
        t0 = time.perf_counter()
        subprocess.run(tmux + ["send-keys", "-t", "m", "j"])
        while time.perf_counter() - t0 < 5:
            if pane() != prev:
                latencies.append(time.perf_counter() - t0)
                break
        time.sleep(0.2)
    subprocess.run(tmux + ["send-keys", "-t", "m", "q"])
    peak = None
    for _ in range(100):
        time.sleep(0.1)
        peak = peak_rss(report, 0) if GNU_TIME else None
        if peak or not GNU_TIME:
            break
    subprocess.run(tmux + ["kill-server"], stderr=subprocess.DEVNULL)
    os.remove(report)
    return first, (statistics.median(latencies) if latencies else None), peak


PAST = "2026-06-30"


def point_in_time(db, now, runs, row, notes):
    """--as-of a past date (a view computed in memory: only the cases not
    settled by then are measured), and what a command at the machine's clock
    pays after one (nothing: the view wrote nothing)."""
    before = os.path.getmtime(db), os.path.getsize(db)
    for by in ("vendor", "channel"):
        took, peak = best(at_clock(now, db, "--as-of", PAST, "report", "--by", by), runs)
        row(f"`report --by {by} --as-of {PAST}`", took, None, peak)
    took, peak = best(at_clock(now, db, "--as-of", PAST, "list", "--limit", "50"), 1)
    row(f"`list --limit 50 --as-of {PAST}` (the moment's tables, every unsettled case)", took, None, peak)
    if (os.path.getmtime(db), os.path.getsize(db)) != before:
        notes.append("the --as-of commands changed the file's time or size (they should write nothing)")
    plain, _ = best(at_clock(now, db, "list", "--limit", "50"), runs)
    after = []
    for t in ("2026-06-30", "2025-01-01", "2026-11-01"):
        measured(at_clock(now, db, "--as-of", t, "report"))
        after.append(measured(at_clock(now, db, "list", "--limit", "50"))[0])
    row("`list --limit 50` at the machine's clock right after an `--as-of` (worst of 3)", max(after), plain)
    notes.append(f"`list --limit 50` at the machine's clock: {seconds(plain)} (best of {runs}); "
                 "right after an --as-of of 2026-06-30, 2025-01-01, 2026-11-01: " + ", ".join(seconds(t) for t in after))


def seconds(s):
    if s is None:
        return "—"
    return f"{s * 1000:.1f} ms" if s < 0.1 else f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def mb(b):
    return "—" if not b else f"{b / 1e6:.0f} MB"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--db", help="the cached file [default: target/bench/cases-N.sqlite3]")
    p.add_argument("--slice", type=int, default=50_000, help="cases in the JSON Lines import slice")
    p.add_argument("--runs", type=int, default=3, help="runs of each quick command (best kept)")
    p.add_argument("--no-build", action="store_true", help="use the release binary as it is")
    a = p.parse_args()
    bench = os.path.join(ROOT, "target", "bench")
    db = a.db or os.path.join(bench, f"cases-{a.cases}.sqlite3")
    if not a.no_build:
        say("cargo build --release …")
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    generated = cached(db, a.cases)
    touches = int(sql_value(db, "SELECT count(*) FROM touchpoints"))
    rows, notes = [], []

    def row(what, took, floor=None, peak=None):
        ratio = f"{took / floor:.2f}×" if took and floor else "—"
        cell = took if isinstance(took, str) else seconds(took)
        rows.append((what, cell, seconds(floor) if floor else "—", ratio, mb(peak)))
        say(f"  {what}: {cell}")

    if generated:
        notes.append(f"generate: {generated:.0f} s, {touches / generated:,.0f} touches/s")
    say("list after the clock moved …")
    clock = first_clock(db)
    warm, _ = measured(at_clock(iso(clock), db, "list", "--limit", "50"))
    notes.append(f"the first `list` at {iso(clock)} (derived data brought forward from the file's last clock): {seconds(warm)}")
    moved = []
    for _ in range(3):
        clock += MOVE
        moved.append(measured(at_clock(iso(clock), db, "list", "--limit", "50")))
    took = statistics.median(t for t, _ in moved)
    row("first `list --limit 50` after the clock moved 5 min (median of 3 moves)", took, None, max(p or 0 for _, p in moved))
    notes.append("`list --limit 50` after each 5-minute move: " + ", ".join(seconds(t) for t, _ in moved))
    clock += MOVE
    app_at = iso(clock)
    keep_clock(db, clock)

    if shutil.which("tmux"):
        say("the app …")
        first, key, peak = app_latency(db, app_at)
        row("the app's first frame with the table (the clock moved 5 min more)", first, None, peak)
        row("one key (j) to a changed screen, median of 5", key)
    else:
        notes.append("the app: not measured (no tmux)")

    for by in ("vendor", "channel", "category", "party", "stage"):
        say(f"report --by {by} …")
        # The floor just before each report: the machine's page cache is
        # small beside the file, so each is timed with its own pages read.
        scan, _ = best(["sqlite3", db, SCAN], a.runs + 2)
        took, peak = best(at_clock(app_at, db, "report", "--by", by), a.runs + 2)
        row(f"`report --by {by}`", took, scan, peak)

    say("flags, list, export …")
    took, peak = best(at_clock(app_at, db, "flags", "--json"), a.runs)
    floor, _ = best(["sqlite3", "-json", db, "SELECT * FROM touchpoints WHERE case_id IN (SELECT case_id FROM case_flags)"], a.runs)
    row("`flags --json > /dev/null`", took, floor, peak)
    took, peak = best(at_clock(app_at, db, "list", "--json"), a.runs)
    floor, _ = best(["sqlite3", "-json", db, "SELECT * FROM cases"], a.runs)
    row("`list --json > /dev/null`", took, floor, peak)
    took, peak = best(at_clock(app_at, db, "export", "--format", "jsonl"), a.runs)
    floor, _ = best(["sqlite3", "-json", db, "SELECT * FROM cases; SELECT * FROM touchpoints"], a.runs)
    row("`export --format jsonl > /dev/null`", took, floor, peak)

    say("as of a past date …")
    point_in_time(db, app_at, a.runs, row, notes)

    say(f"JSON Lines import of a {a.slice}-case slice …")
    part = os.path.join(bench, f"cases-{a.slice}.sqlite3")
    cached(part, a.slice)
    lines = part[: -len(".sqlite3")] + ".jsonl"
    with open(lines, "wb") as out:
        measured(at_clock(GEN_AT, part, "export", "--format", "jsonl"), stdout=out)
    into = os.path.join(bench, "import-into.sqlite3")
    # Each run into a new, empty file: the best of --runs, all of them noted.
    runs, peak = [], 0
    for _ in range(a.runs):
        remove_db(into)
        took, p = measured(at_clock(GEN_AT, into, "import", lines))
        runs.append(took)
        peak = max(peak, p or 0)
    imported = int(sql_value(into, "SELECT count(*) FROM touchpoints"))
    remove_db(into)
    took = min(runs)
    row(f"JSON Lines import ({a.slice:,} cases, {imported:,} touches, into an empty file; best of {a.runs})",
        f"{took:.2f} s = {imported / took:,.0f} touches/s", None, peak or None)
    notes.append("import runs: " + ", ".join(f"{t:.2f} s = {imported / t:,.0f}/s" for t in runs))

    say("the first list a day after the last look …")
    day_after = datetime.datetime.strptime(app_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc) + datetime.timedelta(days=1)
    due = sql_value(db, f"SELECT count(*) FROM cases WHERE next_change_at <= {int(day_after.timestamp()) * 1000}")
    took, peak = measured(at_clock(iso(day_after), db, "list", "--limit", "50"))
    row(f"the first `list --limit 50` a day after the last look ({int(due):,} cases due)", took, None, peak)
    keep_clock(db, day_after)

    size = sum(os.path.getsize(db + s) for s in ("", "-wal") if os.path.exists(db + s))
    row("file size", f"{size:,} bytes = {size / touches:.0f} bytes per touch")

    print(f"{a.cases:,} cases, {touches:,} touches; {datetime.date.today().isoformat()}, "
          f"{os.cpu_count()} cores, {platform.machine()}; sqlite3 {sql_value(db, 'SELECT sqlite_version()')}")
    print()
    print("| operation | casebook | sqlite3 floor | ratio | peak memory |")
    print("| --- | --- | --- | --- | --- |")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    print("Floors: reports — one plain scan of the cases table "
          f"(`{SCAN}`); `flags --json` — every touch of a flagged case as JSON (`sqlite3 -json`); "
          "`list --json` — every case row as JSON; export — every case and touch row as JSON.")
    for n in notes:
        print(f"- {n}")


if __name__ == "__main__":
    main()
