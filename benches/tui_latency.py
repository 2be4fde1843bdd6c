#!/usr/bin/env python3
"""Time the terminal app on a large file, as a user sees it, through tmux:
the first frame with the table, and one key (j) to a changed screen.

    cargo build --release
    target/release/casebook --db /tmp/big.sqlite3 generate --cases 100000
    python3 benches/tui_latency.py /tmp/big.sqlite3

The figures include starting the process and tmux's own round trips, so they
are upper bounds. Needs tmux.
"""
import os
import subprocess, time, sys
BIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "casebook")
db = sys.argv[1]
# A tmux server of its own, so that no other session is touched.
T = ["tmux", "-L", "casebook-latency"]
subprocess.run(T + ["kill-server"], stderr=subprocess.DEVNULL)
time.sleep(0.3)
subprocess.run(T + ["new-session", "-d", "-s", "ff", "-x", "120", "-y", "30", "bash"])
time.sleep(0.5)
start = time.time()
subprocess.run(T + ["send-keys", "-t", "ff", f"{BIN} --db {db}", "Enter"])
while True:
    out = subprocess.run(T + ["capture-pane", "-p", "-t", "ff"], capture_output=True, text=True).stdout
    if "sort urgency" in out and " of " in out:
        print(f"first frame with the table: {(time.time()-start)*1000:.0f} ms (includes starting the process and tmux polling)")
        break
    if time.time() - start > 10:
        print("timeout"); print(out); break
    time.sleep(0.005)
# key latency: move down 20 times, time until the selection line changes
t0 = time.time()
subprocess.run(T + ["send-keys", "-t", "ff", "j"])
prev = out
while True:
    out = subprocess.run(T + ["capture-pane", "-p", "-t", "ff"], capture_output=True, text=True).stdout
    if out != prev:
        print(f"one key (j) to a changed screen: {(time.time()-t0)*1000:.1f} ms (includes tmux round trips)")
        break
    if time.time() - t0 > 5:
        print("no change"); break
print("\n".join(out.splitlines()[:4]))
subprocess.run(T + ["send-keys", "-t", "ff", "q"])
time.sleep(0.3)
subprocess.run(T + ["kill-server"])
