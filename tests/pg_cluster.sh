#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: a temporary folder holding the
# data directory, the server's log and its Unix socket. No TCP at all, trust
# on the socket only, fsync off.
#
#   eval "$(bash tests/pg_cluster.sh start)"   # sets CASEBOOK_PG
#   cargo test
#   bash tests/pg_cluster.sh stop              # the folder from CASEBOOK_PG
#   bash tests/pg_cluster.sh stop /tmp/casebook-pg.XXXXXX
#
# `start` prints only the `export CASEBOOK_PG=...` line on stdout; everything
# else goes to stderr. Run as root, the server runs as the `postgres` user
# (PostgreSQL refuses to run as root), and the distribution's server package
# is installed with apt-get when no server binaries are found.
set -euo pipefail

MARKER=.casebook-pg-cluster

say() { echo "pg_cluster: $*" >&2; }
die() { say "$*"; exit 1; }

# The folder holding the server binaries (initdb, pg_ctl, pg_isready): the
# newest of /usr/lib/postgresql/*/bin, else pg_config's, else the PATH's.
find_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  if command -v pg_config >/dev/null 2>&1; then
    dir=$(pg_config --bindir 2>/dev/null || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  return 1
}

# Runs a command as the user the server runs as: `postgres` when we are root.
as_server_user() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- "$@"
  else
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  fi
}

start() {
  local bindir
  if ! bindir=$(find_bindir); then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "no PostgreSQL server binaries found: installing the postgresql package"
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2 \
        || die "could not install postgresql with apt-get"
      bindir=$(find_bindir) || die "postgresql is installed but no initdb/pg_ctl was found"
    else
      die "no PostgreSQL server binaries (initdb, pg_ctl) found; install the postgresql package"
    fi
  fi
  if [ "$(id -u)" -eq 0 ] && ! getent passwd postgres >/dev/null; then
    die "running as root, but there is no 'postgres' user to run the server as"
  fi

  # The folder: under TMPDIR when the server's user can write there and its
  # path is plain enough to go into a URL unencoded, else under /tmp.
  local base="${TMPDIR:-/tmp}" dir
  case "$base" in
    *[!A-Za-z0-9/._-]*) base=/tmp ;;
  esac
  dir=$(mktemp -d "$base/casebook-pg.XXXXXX")
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
    if ! as_server_user test -w "$dir"; then
      rm -rf "$dir"
      base=/tmp
      dir=$(mktemp -d "$base/casebook-pg.XXXXXX")
      chown postgres: "$dir"
    fi
  fi
  # Others may reach the socket; the data directory inside stays 0700.
  chmod 0755 "$dir"
  touch "$dir/$MARKER"

  cleanup_failed_start() {
    say "the server's log:"
    tail -n 30 "$dir/server.log" >&2 2>/dev/null || true
    as_server_user "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
  }

  # The C locale: text sorts by its bytes, as SQLite's BINARY collation does.
  if ! as_server_user "$bindir/initdb" -D "$dir/data" -U postgres \
      --auth-local=trust --auth-host=reject \
      --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    die "initdb failed"
  fi
  cat >>"$dir/data/postgresql.conf" <<EOF

# casebook's throwaway test cluster (tests/pg_cluster.sh)
listen_addresses = ''
unix_socket_directories = '$dir'
port = 5432
max_connections = 200
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

  if ! as_server_user "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >&2; then
    cleanup_failed_start
    die "the server did not start"
  fi
  local tries=0
  until "$bindir/pg_isready" -q -h "$dir" -p 5432 -U postgres -d postgres; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
      cleanup_failed_start
      die "the server did not answer within 30 s"
    fi
    sleep 0.5
  done
  say "PostgreSQL ($("$bindir/postgres" --version)) runs in $dir, on its Unix socket only"
  echo "export CASEBOOK_PG='postgresql://postgres@/postgres?host=$dir'"
}

stop() {
  local dir="${1:-}"
  if [ -z "$dir" ]; then
    [ -n "${CASEBOOK_PG:-}" ] || die "stop: give the cluster's folder, or set CASEBOOK_PG"
    dir=$(printf '%s\n' "$CASEBOOK_PG" | sed -n 's/.*[?&]host=\([^&]*\).*/\1/p' | sed 's/%2[Ff]/\//g')
    [ -n "$dir" ] || die "stop: CASEBOOK_PG names no host= folder"
  fi
  [ -f "$dir/$MARKER" ] || die "stop: $dir is not a cluster that tests/pg_cluster.sh started"
  local bindir
  if [ -f "$dir/data/postmaster.pid" ] && bindir=$(find_bindir); then
    as_server_user "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >&2 \
      || as_server_user "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >&2 \
      || say "stop: pg_ctl could not stop the server in $dir"
  fi
  rm -rf "$dir"
  say "stopped and removed $dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) die "usage: bash tests/pg_cluster.sh start | stop [FOLDER]" ;;
esac
