#!/usr/bin/env python3
"""Import speed as the file grows (issue 19): both of the issue's figures.

    python3 benches/import_speed.py                 # 300 000 cases; a 50 000-case slice into 1 000 000
    python3 benches/import_speed.py --runs 3 --no-build
    python3 benches/import_speed.py --bin /tmp/casebook-before   # another build, to compare

1. A JSON Lines export of --cases generated cases (default 300 000, about
   3 million touches) imported into a new, empty file (target: >= 100 000
   touches a second).
2. A JSON Lines export of a --slice of other generated cases (default
   50 000, refs and uids of their own, so every case is new) imported into a
   copy of a file that already holds --base cases (default 1 000 000, the
   file benches/million.py builds and caches; target: >= 50 000 touches a
   second). The slice's case and touch ids are the base's first ones, so
   they take the next free ids, as when one casebook's export goes into
   another.

Each figure is the best of --runs runs (each into a fresh file: a new one
for 1, a fresh copy of the million-case file for 2), with every run listed
with its CPU time (user + system, both threads) and the machine's load
average after it: the import reads on one thread and writes on another, so
on a machine whose cores others keep busy the wall time grows while the CPU
time does not. The touches counted are the import's own (`import --json`),
the time is the whole command's wall time. The sources are generated once (`casebook
generate`, seed 11 and 12, at the fixed clock benches/million.py uses) and
cached in target/bench/ beside the million-case file. The million-case file
is brought to its clock once before the runs (an empty import, so that any
upgrade of the file or cases coming due are not timed), and each import
runs at that same clock. Python 3 standard library only.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import million  # noqa: E402
from million import GEN_AT, GNU_TIME, ROOT, at_clock, cached, first_clock, iso, keep_clock, measured, remove_db, say  # noqa: E402

SLICE_SEED = "12"
GROWTH_TARGET = 100_000
INTO_MILLION_TARGET = 50_000


def exported(db, path, rename_refs=False):
    """The JSON Lines export of db at `path`, made once; with `rename_refs`,
    the generator's refs `gen-N` become `slice-N`, so that the cases are new
    to a file generated with the same refs."""
    if os.path.exists(path) and os.path.getmtime(path) >= os.path.getmtime(db):
        say(f"reusing {path}")
        return path
    say(f"exporting {db} to {path} …")
    part = path + ".part"
    with open(part, "wb") as out:
        measured(at_clock(GEN_AT, db, "export", "--format", "jsonl"), stdout=out)
    if rename_refs:
        with open(part, "rb") as src, open(path, "wb") as dst:
            for line in src:
                dst.write(line.replace(b'"ref":"gen-', b'"ref":"slice-'))
        os.remove(part)
    else:
        os.replace(part, path)
    return path


def load():
    """The machine's load average over the last minute (others' work slows a run)."""
    try:
        return float(open("/proc/loadavg").read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def timed_import(clock, into, lines):
    """One import of `lines` into `into` at `clock`: (seconds, peak RSS,
    summary, load after, CPU seconds or None)."""
    cpu = None
    with open(into + ".summary", "wb") as out, tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        argv = at_clock(clock, into, "import", "--json", lines)
        if GNU_TIME:
            argv = [GNU_TIME, "-v", "-o", report.name] + argv
        start = time.perf_counter()
        done = subprocess.run(argv, stdout=out, stderr=subprocess.PIPE)
        took = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"failed ({done.returncode}): {' '.join(argv)}\n{done.stderr.decode(errors='replace')}")
        peak = None
        if GNU_TIME:
            fields = dict(line.strip().rsplit(": ", 1) for line in open(report.name) if ": " in line)
            peak = int(fields.get("Maximum resident set size (kbytes)", 0)) * 1024 or None
            cpu = float(fields.get("User time (seconds)", 0)) + float(fields.get("System time (seconds)", 0))
    with open(into + ".summary") as f:
        summary = json.load(f)
    os.remove(into + ".summary")
    return took, peak, summary, load(), cpu


def figure(name, runs, target):
    """The best run, as a row: (what, cases, touches, seconds, touches/s, target, all runs)."""
    best = min(runs, key=lambda r: r[0])
    took, _, summary, _, _ = best
    rate = summary["touchpoints"] / took

    def run_note(t, s, l, cpu):
        note = f"{t:.2f} s = {s['touchpoints'] / t:,.0f}/s"
        extra = [f"CPU {cpu:.1f} s" if cpu else None, f"load {l:.1f}" if l is not None else None]
        extra = [e for e in extra if e]
        return note + (f" ({', '.join(extra)})" if extra else "")

    every = ", ".join(run_note(t, s, l, cpu) for t, _, s, l, cpu in runs)
    ok = "yes" if rate >= target else "NO"
    peak_mb = max((p or 0) for _, p, _, _, _ in runs) / 1e6
    return (name, f"{summary['created']:,}", f"{summary['touchpoints']:,}", f"{took:.2f} s",
            f"{rate:,.0f}", f"≥ {target:,} ({ok})", f"{peak_mb:.0f} MB" if peak_mb else "—", every)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cases", type=int, default=300_000, help="cases imported into an empty file")
    p.add_argument("--base", type=int, default=1_000_000, help="cases already in the file the slice goes into")
    p.add_argument("--base-db", help="that file [default: target/bench/cases-BASE.sqlite3, as benches/million.py]")
    p.add_argument("--slice", type=int, default=50_000, help="cases imported into the --base file")
    p.add_argument("--runs", type=int, default=2, help="runs of each import (best kept)")
    p.add_argument("--only", choices=["empty", "base"], help="measure one of the two figures")
    p.add_argument("--no-build", action="store_true", help="use the release binary as it is")
    p.add_argument("--bin", help="time this casebook binary instead (to compare builds; nothing is built)")
    a = p.parse_args()
    if a.bin:
        million.BIN = os.path.abspath(a.bin)
        a.no_build = True
    bench = os.path.join(ROOT, "target", "bench")
    os.makedirs(bench, exist_ok=True)
    if not a.no_build:
        say("cargo build --release …")
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    rows = []

    if a.only != "base":
        src = os.path.join(bench, f"cases-{a.cases}.sqlite3")
        cached(src, a.cases)
        lines = exported(src, os.path.join(bench, f"cases-{a.cases}.jsonl"))
        into = os.path.join(bench, "import-into-empty.sqlite3")
        runs = []
        for i in range(a.runs):
            remove_db(into)
            say(f"importing {a.cases:,} cases into an empty file, run {i + 1} of {a.runs} …")
            runs.append(timed_import(GEN_AT, into, lines))
            say(f"  {runs[-1][0]:.2f} s")
        remove_db(into)
        rows.append(figure(f"{a.cases:,} cases into an empty file", runs, GROWTH_TARGET))

    if a.only != "empty":
        base = a.base_db or os.path.join(bench, f"cases-{a.base}.sqlite3")
        cached(base, a.base)
        part = os.path.join(bench, f"slice-{a.slice}-seed{SLICE_SEED}.sqlite3")
        if not os.path.exists(part):
            say(f"generating the {a.slice:,}-case slice (seed {SLICE_SEED}) …")
            measured(at_clock(GEN_AT, part, "generate", "--cases", str(a.slice), "--seed", SLICE_SEED))
        lines = exported(part, part[: -len(".sqlite3")] + ".jsonl", rename_refs=True)
        # The base at its clock, once: an upgrade of the file, or cases
        # coming due, are done here and not in the timed imports.
        clock = iso(first_clock(base))
        empty = os.path.join(bench, "empty.jsonl")
        open(empty, "w").close()
        say(f"bringing {base} to {clock} …")
        took, _ = measured(at_clock(clock, base, "import", empty))
        say(f"  {took:.2f} s")
        keep_clock(base, datetime.datetime.strptime(clock, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc))
        into = os.path.join(bench, "import-into-base.sqlite3")
        runs = []
        for i in range(a.runs):
            remove_db(into)
            say(f"copying {base} …")
            for suffix in ("", "-wal"):
                if os.path.exists(base + suffix):
                    shutil.copyfile(base + suffix, into + suffix)
                    # On disk before the clock starts: else the import's
                    # first fsync of the file waits for the copy's gigabytes.
                    with open(into + suffix, "rb+") as f:
                        os.fsync(f.fileno())
            say(f"importing the {a.slice:,}-case slice into {a.base:,} cases, run {i + 1} of {a.runs} …")
            runs.append(timed_import(clock, into, lines))
            say(f"  {runs[-1][0]:.2f} s")
        remove_db(into)
        rows.append(figure(f"{a.slice:,} new cases into a file of {a.base:,}", runs, INTO_MILLION_TARGET))

    version = subprocess.run([million.BIN, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"{version} ({million.BIN}); {datetime.date.today().isoformat()}, {os.cpu_count()} cores, {platform.machine()}; "
          f"JSON Lines import, best of {a.runs}")
    print()
    print("| import | cases | touches | wall time | touches/s | target | peak memory |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print("| " + " | ".join(r[:7]) + " |")
    print()
    for r in rows:
        print(f"- {r[0]}: {r[7]}")


if __name__ == "__main__":
    main()
