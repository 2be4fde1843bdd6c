#!/usr/bin/env bash
# The floor, side by side: casebook's time for each operation of issue 8
# beside the sqlite3 shell's floor on the same file (one plain scan of the
# cases table for the reports), their ratio, and peak memory.
#
#   benches/million.sh [CASES]       (default 1000000; the file is cached)
#
# The generated file is kept at ${CASEBOOK_BENCH_DIR:-/tmp/casebook-bench}/N.db
# (1M cases: about 5 GB and several minutes to generate, once).
set -euo pipefail
N=${1:-1000000}
DIR=${CASEBOOK_BENCH_DIR:-/tmp/casebook-bench}
BIN=${CASEBOOK_BIN:-target/release/casebook}
mkdir -p "$DIR"
DB="$DIR/$N.db"
[ -x "$BIN" ] || cargo build --release
if [ ! -s "$DB" ]; then
  echo "generating $N cases into $DB (once)..." >&2
  "$BIN" --db "$DB" generate --cases "$N" --seed 11 >&2
  # The export the import is timed on, and the first look that derives.
  "$BIN" --db "$DB" list --limit 1 >/dev/null
fi
[ -s "$DIR/$N.jsonl" ] || "$BIN" --db "$DB" export --format jsonl -o "$DIR/$N.jsonl"
touches=$(sqlite3 "$DB" "SELECT count(*) FROM touchpoints")

# run LABEL CMD...: prints "seconds peak_kb" of one run (output discarded).
measure() {
  /usr/bin/time -f "%e %M" -o "$DIR/time.txt" "$@" >/dev/null 2>"$DIR/err.txt" \
    || { cat "$DIR/err.txt" >&2; echo "failed: $*" >&2; }
  cat "$DIR/time.txt"
}
floor() { measure sqlite3 "$DB" "$1"; }

SCAN="SELECT count(*), sum(touch_count), sum(contact_count), sum(coalesce(refund_amount,0)), sum(coalesce(customer_cost,0)), sum(coalesce(m_vendor_wait_hours,0)) FROM cases"
printf '| what, at %s cases (%s touches) | casebook | sqlite3 floor | ratio | peak memory |\n| --- | --- | --- | --- | --- |\n' "$N" "$touches"
row() { # label, casebook "s kb", floor "s kb" or ""
  read -r s kb <<<"$2"
  if [ -n "$3" ]; then
    read -r fs _ <<<"$3"
    ratio=$(awk -v a="$s" -v b="$fs" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "-" }')
    printf '| %s | %.2f s | %.2f s | %s | %d MB |\n' "$1" "$s" "$fs" "$ratio" $((kb / 1024))
  else
    printf '| %s | %.2f s | - | - | %d MB |\n' "$1" "$s" $((kb / 1024))
  fi
}
scan=$(floor "$SCAN")
# The clock moved 5 minutes since the last look: only the cases due re-derive.
row "first list after the clock moved 5 min" \
  "$(measure "$BIN" --db "$DB" --as-of "$(date -u -d "+5 min" +%Y-%m-%dT%H:%M:%SZ)" list --limit 50)" \
  "$(floor "SELECT id FROM cases ORDER BY urgency DESC, opened_at, id LIMIT 50")"
row "list page deep by key (--sort age, last 50)" \
  "$(measure "$BIN" --db "$DB" list --sort=-age --limit 50)" \
  "$(floor "SELECT id FROM cases ORDER BY opened_at, id LIMIT 50")"
for by in vendor channel category party; do
  row "report --by $by" "$(measure "$BIN" --db "$DB" report --by $by --json)" "$scan"
done
row "flags --json (all cases)" "$(measure "$BIN" --db "$DB" flags --json)" ""
row "list --json (all cases)" "$(measure "$BIN" --db "$DB" list --json)" \
  "$(floor "SELECT c.*, v.name FROM cases c JOIN vendors v ON v.id = c.vendor_id ORDER BY urgency DESC, opened_at, id")"
row "export --format jsonl" "$(measure "$BIN" --db "$DB" export --format jsonl)" ""
row "report --csv" "$(measure "$BIN" --db "$DB" report --csv)" "$scan"
rm -f "$DIR/imp.db" "$DIR/imp.db-wal" "$DIR/imp.db-shm"
imp=$(measure "$BIN" --db "$DIR/imp.db" import "$DIR/$N.jsonl")
read -r s _ <<<"$imp"
row "import JSON Lines ($(awk -v t="$touches" -v s="$s" 'BEGIN { printf "%.0f", t / s }') touches/s)" "$imp" ""
bytes=$(stat -c %s "$DB")
echo
echo "file: $bytes bytes, $((bytes / touches)) bytes per touch"
