#!/bin/sh
# Makes screenshots/*.png: every screen of the terminal app, from the real
# (release) binary on the demo stories, in tmux at 100x30 (and one at 40x12),
# captured with colours and drawn to PNG by scripts/ansi2png.py.
#
# Needs (installs nothing itself):
#   cargo, tmux,
#   python3 with Pillow        pip install pillow
#   DejaVu Sans Mono           Debian/Ubuntu: apt-get install fonts-dejavu-core
#                              (or FONT=/path/to/a/monospace.ttf)
# Run from anywhere: scripts/screenshots.sh
set -eu

cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/screenshots"
mkdir -p "$out"

cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-$root/target}/release/casebook"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac

tmp=$(mktemp -d)
socket="casebook-shots-$$"
cleanup() {
    tmux -L "$socket" kill-server 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# The day after the last demo story, in the stories' own time zone.
export TZ=America/Los_Angeles
export CASEBOOK_CLOCK=2022-08-06T12:00:00Z
db="$tmp/demo.sqlite3"
"$bin" --db "$db" demo >/dev/null
# Service levels: a New York business calendar for Comcast's high-priority
# cases, and calendar hours for everyone else.
"$bin" --db "$db" sla calendar add NY --tz America/New_York --hours "mon-fri 09:00-17:00" >/dev/null
"$bin" --db "$db" sla policy add comcast-high --vendor Comcast --priority high --calendar NY \
    --first-response 4 --resolution 24 >/dev/null
"$bin" --db "$db" sla policy add everyone --calendar 24x7 --first-response 24 --resolution 120 >/dev/null

tmux -L "$socket" -f /dev/null new-session -d -s shots -x 100 -y 30 \
    -e "TZ=$TZ" -e "CASEBOOK_CLOCK=$CASEBOOK_CLOCK" "$bin --db '$db'"

keys() { tmux -L "$socket" send-keys -t shots "$@"; sleep 0.4; }
text() { tmux -L "$socket" send-keys -t shots -l "$1"; sleep 0.4; }
# A new filter: / opens the line, the old text is erased, the new one kept.
filter() {
    keys /
    i=0; while [ $i -lt 40 ]; do tmux -L "$socket" send-keys -t shots BSpace; i=$((i + 1)); done
    text "$1"
    keys Enter
}
shot() {
    sleep 0.4
    size=$(tmux -L "$socket" display-message -p -t shots '#{pane_width} #{pane_height}')
    tmux -L "$socket" capture-pane -p -e -N -t shots >"$tmp/$1.txt"
    # shellcheck disable=SC2086
    python3 "$root/scripts/ansi2png.py" "$tmp/$1.txt" "$out/$1.png" $size
    echo "screenshots/$1.png"
}

sleep 1
shot 01-cases
keys /
text 'vendor:comcast'
shot 02-cases-filter
keys Enter
filter 'screw'
keys Enter
keys n n n n
shot 03-case-screw
keys '$'
shot 12-case-cost
keys q
filter 'cable'
keys Enter
shot 04-case-cable
keys t
text 'Pressed 1 again: the line went silent, then the call dropped'
shot 05-touch-form
keys Escape
keys y
keys q
filter ''
keys x
shot 06-status-menu
keys Escape
keys 2
shot 07-vendors
keys 3
shot 08-channels
keys 4
shot 11-sla
keys 2
keys '?'
keys j j j j j j j j j j j j j j j j j j j j j j
shot 09-help-vendors
keys Escape
keys 1
tmux -L "$socket" resize-window -t shots -x 40 -y 12
shot 10-cases-40x12
keys q
