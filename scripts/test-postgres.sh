#!/usr/bin/env bash
# A throwaway PostgreSQL for the store tests and the store bench (Debian's `postgresql` package).
#
#   scripts/test-postgres.sh start DIR [PORT]   create a cluster in DIR (must not exist or be empty), start it,
#                                              print its connection URL on stdout
#   scripts/test-postgres.sh stop DIR          stop it (the caller removes DIR)
#
# Without PORT the server listens only on a Unix socket inside DIR, so parallel runs never fight over a port.
# Authentication is `trust` and durability is off (fsync=off): this is for tests only, never for data you keep.
# PostgreSQL refuses to run as root, so as root the cluster is created and run by the `postgres` user.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
port=${3:-}
if [[ -z "$cmd" || -z "$dir" ]]; then
  echo "usage: $0 start DIR [PORT] | stop DIR" >&2
  exit 2
fi

# PG_BINDIR picks the server binaries; else the newest /usr/lib/postgresql/*/bin.
bindir=""
for candidate in ${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r)}; do
  if [[ -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]]; then bindir=$candidate; break; fi
done
if [[ -z "$bindir" ]]; then
  echo "PostgreSQL server binaries not found (${PG_BINDIR:-/usr/lib/postgresql/*/bin}; apt-get install -y postgresql)" >&2
  exit 3
fi

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [[ $(id -u) -eq 0 ]]; then
      chown postgres: "$dir"
      if ! runuser -u postgres -- test -x "$dir"; then
        echo "the postgres user cannot reach $dir: every parent folder needs o+x (e.g. chmod 755 on a mktemp -d folder)" >&2
        exit 1
      fi
    fi
    chmod 700 "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --no-sync >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
    if [[ -n "$port" ]]; then listen="-c listen_addresses=127.0.0.1 -p $port"; else listen="-c listen_addresses="; fi
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-k $dir $listen -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null || {
      cat "$dir/server.log" >&2
      exit 1
    }
    if [[ -n "$port" ]]; then
      echo "postgresql://postgres@127.0.0.1:$port/postgres"
    else
      echo "postgresql:///postgres?host=$dir&user=postgres"
    fi
    ;;
  stop)
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    ;;
  *)
    echo "unknown command: $cmd" >&2
    exit 2
    ;;
esac
