#!/usr/bin/env python3
"""casebook at a million cases on PostgreSQL (issue 18), beside the file's
figures of benches/million.py.

    eval "$(bash tests/pg_cluster.sh start)"      # a throwaway cluster: CASEBOOK_PG
    python3 benches/million_pg.py --postgres "$CASEBOOK_PG"
    python3 benches/million_pg.py --postgres "$CASEBOOK_PG" --cases 200000
    bash tests/pg_cluster.sh stop

--postgres names any database of the server (the URL's own is only used to
create others); the role must be allowed to create databases. The script
builds the release binary (--no-build: use --bin or target/release as it
is), generates the cases once into the database casebook_bench_N with the
seed and clock of million.py (the same cases as its file), and reuses it
while it holds N cases. Then it prints one Markdown table: each operation,
casebook's wall time, psql's time for a plain read of the same rows where
there is one, their ratio, and casebook's peak memory (RSS). It needs psql,
tmux for the app, and /usr/bin/time for peak memory; Python's standard
library otherwise. Every command runs at a fixed machine clock
(CASEBOOK_CLOCK), as in million.py.
"""
import argparse
import datetime
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import million  # noqa: E402  (the file's bench: its clock, timing and app helpers)
import import_speed  # noqa: E402  (its slice of other cases)
from million import GEN_AT, MOVE, PAST, SEED, WARM_AT, best, iso, mb, measured, say, seconds  # noqa: E402

ROOT = million.ROOT
# One plain scan of the cases table: the floor for every report.
SCAN = "SELECT count(*), sum(opened_at) FROM cases"


def with_database(url, name):
    """The URL with its database replaced by `name`."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def psql(url, sql, check=True):
    out = subprocess.run(["psql", "-X", "-q", "-At", "-d", url, "-c", sql], capture_output=True, text=True)
    if check and out.returncode != 0:
        sys.exit(f"psql: {sql}\n{out.stderr}")
    return out.stdout.strip()


def fresh_database(admin, name):
    psql(admin, f"DROP DATABASE IF EXISTS {name}")
    psql(admin, f"CREATE DATABASE {name}")
    return with_database(admin, name)


def count(url, table):
    try:
        return int(psql(url, f"SELECT count(*) FROM {table}", check=False) or -1)
    except ValueError:
        return -1


def casebook(db, *args):
    return [million.BIN, "--db", db, *args]


def at_clock(clock, db, *args):
    return million.at_clock(clock, db, *args)


def cached(admin, cases):
    """The database of `cases` generated cases, generated unless it holds them;
    returns (its URL, the seconds generate took or None)."""
    name = f"casebook_bench_{cases}"
    url = with_database(admin, name)
    if count(url, "cases") == cases:
        say(f"reusing {name} ({cases} cases)")
        return url, None
    say(f"generating {cases} cases into {name} …")
    url = fresh_database(admin, name)
    keep_clock(name, None)
    took, _ = measured(at_clock(GEN_AT, url, "generate", "--cases", str(cases), "--seed", SEED))
    return url, took


def clock_file(name):
    return os.path.join(ROOT, "target", "bench", f"pg-{name}.clock")


def keep_clock(name, clock):
    path = clock_file(name)
    if clock is None:
        if os.path.exists(path):
            os.remove(path)
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(str(int(clock.timestamp())))


def first_clock(url, name):
    """WARM_AT, or for a database measured before, the hour after its last clock."""
    last = 0
    try:
        last = int(psql(url, "SELECT value FROM meta WHERE key = 'derived_at'", check=False) or 0) // 1000
    except ValueError:
        pass
    try:
        last = max(last, int(open(clock_file(name)).read()))
    except (OSError, ValueError):
        pass
    if last < WARM_AT.timestamp():
        return WARM_AT
    hour = datetime.datetime.fromtimestamp(last - last % 3600, datetime.timezone.utc)
    return hour + datetime.timedelta(hours=1)


def slice_file(cases):
    """A JSON Lines export of `cases` generated cases (million.py's slice):
    generated into a file and exported once, kept in target/bench."""
    bench = os.path.join(ROOT, "target", "bench")
    os.makedirs(bench, exist_ok=True)
    lines = os.path.join(bench, f"cases-{cases}.jsonl")
    if os.path.exists(lines) and os.path.getsize(lines) > 0:
        return lines
    part = os.path.join(bench, f"cases-{cases}.sqlite3")
    million.cached(part, cases)
    with open(lines, "wb") as out:
        measured(million.at_clock(GEN_AT, part, "export", "--format", "jsonl"), stdout=out)
    return lines


def whole_outputs(what, db, at, runs, row, floor_of):
    """flags, list or export of every case, with its psql floor."""
    if what == "flags":
        took, peak = best(at_clock(at, db, "flags", "--json"), runs)
        floor = floor_of("SELECT * FROM touchpoints WHERE case_id IN (SELECT case_id FROM case_flags)", runs)
        row("`flags --json > /dev/null`", took, floor, peak)
    elif what == "list":
        took, peak = best(at_clock(at, db, "list", "--json"), runs)
        floor = floor_of("SELECT * FROM cases", runs)
        row("`list --json > /dev/null`", took, floor, peak)
    else:
        took, peak = best(at_clock(at, db, "export", "--format", "jsonl"), runs)
        floor = floor_of("SELECT * FROM cases; SELECT * FROM touchpoints; SELECT * FROM events", runs)
        row("`export --format jsonl > /dev/null`", took, floor, peak)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--postgres", default=os.environ.get("CASEBOOK_PG"),
                   help="a postgresql:// URL of the server [default: $CASEBOOK_PG]")
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--slice", type=int, default=50_000, help="cases in the JSON Lines import")
    p.add_argument("--runs", type=int, default=3, help="runs of each quick command (best kept)")
    p.add_argument("--bin", help="the casebook binary [default: target/release/casebook]")
    p.add_argument("--no-build", action="store_true", help="use the binary as it is")
    p.add_argument("--quick", action="store_true",
                   help="skip the whole-database outputs (flags, list and export as JSON) and the --as-of views")
    a = p.parse_args()
    if not a.postgres:
        sys.exit("give --postgres URL (or set CASEBOOK_PG: eval \"$(bash tests/pg_cluster.sh start)\")")
    if not shutil.which("psql"):
        sys.exit("psql is needed (the postgresql-client package)")
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    million.BIN = a.bin or os.path.join(target, "release", "casebook")
    if not a.no_build:
        say("cargo build --release …")
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    admin = a.postgres
    name = f"casebook_bench_{a.cases}"
    db, generated = cached(admin, a.cases)
    touches = count(db, "touchpoints")
    rows, notes = [], []

    def row(what, took, floor=None, peak=None):
        ratio = f"{took / floor:.2f}×" if took and floor and not isinstance(took, str) else "—"
        cell = took if isinstance(took, str) else seconds(took)
        rows.append((what, cell, seconds(floor) if floor else "—", ratio, mb(peak)))
        say(f"  {what}: {cell}")

    def floor_of(sql, runs):
        return best(["psql", "-X", "-q", "-At", "-d", db, "-c", sql], runs)[0]

    if generated:
        notes.append(f"generate: {generated:.0f} s, {touches / generated:,.0f} touches/s")
        row(f"`generate --cases {a.cases}` into an empty database",
            f"{generated:.0f} s = {touches / generated:,.0f} touches/s")

    say("list after the clock moved …")
    clock = first_clock(db, name)
    warm, _ = measured(at_clock(iso(clock), db, "list", "--limit", "50"))
    notes.append(f"the first `list` at {iso(clock)} (derived data brought forward from the last clock): {seconds(warm)}")
    moved = []
    for _ in range(3):
        clock += MOVE
        moved.append(measured(at_clock(iso(clock), db, "list", "--limit", "50")))
    took = statistics.median(t for t, _ in moved)
    row("first `list --limit 50` after the clock moved 5 min (median of 3 moves)", took, None,
        max(p or 0 for _, p in moved))
    notes.append("`list --limit 50` after each 5-minute move: " + ", ".join(seconds(t) for t, _ in moved))
    clock += MOVE
    app_at = iso(clock)
    keep_clock(name, clock)

    took, peak = best(at_clock(app_at, db, "list", "--limit", "50"), a.runs)
    floor = floor_of("SELECT * FROM cases ORDER BY urgency DESC, urgency_due, opened_at, id LIMIT 50", a.runs)
    row("`list --limit 50` (a page of the triage order), nothing due", took, floor, peak)
    for q in (["vendor:042", "status:open"], ["flag:broken_promise"], ["age>30d", "channel:phone"],
              ["category:billing", "priority:urgent"], ["refund"]):
        took, _ = best(at_clock(app_at, db, "list", "--limit", "50", *q), a.runs)
        row(f"`list --limit 50 {' '.join(q)}`", took)

    if shutil.which("tmux"):
        say("the app …")
        first, key, peak = million.app_latency(shlex.quote(db), app_at)
        row("the app's first frame with the table (the clock moved 5 min more)", first, None, peak)
        row("one key (j) to a changed screen, median of 5", key)
    else:
        notes.append("the app: not measured (no tmux)")

    for by in ("vendor", "channel", "category", "party", "stage"):
        say(f"report --by {by} …")
        scan = floor_of(SCAN, a.runs + 2)
        took, peak = best(at_clock(app_at, db, "report", "--by", by), a.runs + 2)
        row(f"`report --by {by}`", took, scan, peak)

    say("show …")
    middle = str(a.cases // 2)
    took, peak = best(at_clock(app_at, db, "show", middle), a.runs)
    floor = floor_of(f"SELECT * FROM cases WHERE id = {middle}; SELECT * FROM touchpoints WHERE case_id = {middle}; "
                     f"SELECT * FROM events WHERE case_id = {middle}", a.runs)
    row(f"`show {middle}`", took, floor, peak)
    took, peak = best(at_clock(app_at, db, "show", middle, "--json"), a.runs)
    row(f"`show {middle} --json`", took, None, peak)

    say("flags, list, export …")
    for what in ([] if a.quick else ["flags", "list", "export"]):
        whole_outputs(what, db, app_at, a.runs, row, floor_of)

    if not a.quick:
        say("as of a past date …")
        for by in ("vendor", "channel"):
            took, peak = best(at_clock(app_at, db, "--as-of", PAST, "report", "--by", by), 1)
            row(f"`report --by {by} --as-of {PAST}`", took, None, peak)

    say(f"JSON Lines import of a {a.slice}-case slice …")
    lines = slice_file(a.slice)
    runs, peak, imported = [], 0, 0
    for _ in range(a.runs):
        into = fresh_database(admin, "casebook_bench_import")
        took, pk = measured(at_clock(GEN_AT, into, "import", lines))
        runs.append(took)
        peak = max(peak, pk or 0)
        imported = count(into, "touchpoints")
    psql(admin, "DROP DATABASE IF EXISTS casebook_bench_import")
    took = min(runs)
    row(f"JSON Lines import ({a.slice:,} cases, {imported:,} touches, into an empty database; best of {a.runs})",
        f"{took:.2f} s = {imported / took:,.0f} touches/s", None, peak or None)
    notes.append("import runs: " + ", ".join(f"{t:.2f} s = {imported / t:,.0f}/s" for t in runs))

    # The same number of other cases (import_speed.py's slice: seed 12, refs
    # of their own, ids the database holds) into a copy of the database of
    # `--cases`: an import into a team's store as it grows.
    say(f"JSON Lines import of a {a.slice}-case slice into a copy of {name} …")
    part = os.path.join(ROOT, "target", "bench", f"slice-{a.slice}-seed{import_speed.SLICE_SEED}.sqlite3")
    if not os.path.exists(part):
        measured(million.at_clock(GEN_AT, part, "generate", "--cases", str(a.slice), "--seed",
                                  import_speed.SLICE_SEED))
    other = import_speed.exported(part, part[: -len(".sqlite3")] + ".jsonl", rename_refs=True)
    runs, peak, imported = [], 0, 0
    for _ in range(a.runs):
        psql(admin, "DROP DATABASE IF EXISTS casebook_bench_grown")
        psql(admin, f"CREATE DATABASE casebook_bench_grown TEMPLATE {name}")
        into = with_database(admin, "casebook_bench_grown")
        measured(at_clock(app_at, into, "list", "--limit", "1"))
        before = count(into, "touchpoints")
        took, pk = measured(at_clock(app_at, into, "import", other))
        runs.append(took)
        peak = max(peak, pk or 0)
        imported = count(into, "touchpoints") - before
    psql(admin, "DROP DATABASE IF EXISTS casebook_bench_grown")
    took = min(runs)
    row(f"JSON Lines import ({a.slice:,} other cases, {imported:,} touches, into a copy of the "
        f"{a.cases:,}-case database; best of {a.runs})",
        f"{took:.2f} s = {imported / took:,.0f} touches/s", None, peak or None)
    notes.append("import into the copy: " + ", ".join(f"{t:.2f} s = {imported / t:,.0f}/s" for t in runs))

    say("the first list a day after the last look …")
    day_after = datetime.datetime.strptime(app_at, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc) + datetime.timedelta(days=1)
    due = psql(db, f"SELECT count(*) FROM cases WHERE next_change_at <= {int(day_after.timestamp()) * 1000}")
    took, peak = measured(at_clock(iso(day_after), db, "list", "--limit", "50"))
    row(f"the first `list --limit 50` a day after the last look ({int(due):,} cases due)", took, None, peak)
    keep_clock(name, day_after)

    size = int(psql(db, "SELECT pg_database_size(current_database())"))
    row("database size", f"{size:,} bytes = {size / touches:.0f} bytes per touch")

    version = psql(db, "SHOW server_version")
    print(f"{a.cases:,} cases, {touches:,} touches on PostgreSQL {version} (Unix socket); "
          f"{datetime.date.today().isoformat()}, {os.cpu_count()} cores, {platform.machine()}")
    print()
    print("| operation | casebook | psql floor | ratio | peak memory |")
    print("| --- | --- | --- | --- | --- |")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    print(f"Floors: psql on the same database, the whole process (connecting included), with its rows thrown "
          f"away: reports — one scan of the cases table (`{SCAN}`); list — the page's rows in the triage order; "
          "show — the case, its touches and events; `flags --json` — every touch of a flagged case; `list --json` — "
          "every case row; export — every case, touch and event row.")
    for n in notes:
        print(f"- {n}")


if __name__ == "__main__":
    main()
