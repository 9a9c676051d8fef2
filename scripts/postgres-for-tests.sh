#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the tests (on 127.0.0.1, trust auth, a temp folder)
# and print its URL; `scripts/postgres-for-tests.sh stop DIR` stops it. Prints nothing and
# exits 1 where no PostgreSQL server binaries are installed: the tests then skip.
#
# Which server: the one the dev extra installs from PyPI (`pgserver`: PostgreSQL 16 with the
# pgvector extension, which Debian 12 does not package), else the newest Debian one
# (`postgresql`, without pgvector: the pgvector test then skips and says why).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = "stop" ]; then
  bin=$(cat "$2/bin" 2>/dev/null || true)
  [ -n "$bin" ] && su postgres -c "$bin/pg_ctl -D '$2/data' -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$2"
  exit 0
fi
bin=$(ls -d "$root"/.venv/lib/python3*/site-packages/pgserver/pginstall/bin 2>/dev/null | head -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
[ -n "$bin" ] && [ -x "$bin/initdb" ] && id postgres >/dev/null 2>&1 || exit 1
dir=$(mktemp -d /tmp/overheard-pg.XXXXXX)
echo "$bin" > "$dir/bin"
chown postgres "$dir"
port=${PGPORT_FOR_TESTS:-55439}
su postgres -c "$bin/initdb -D '$dir/data' -A trust -U postgres" >/dev/null
su postgres -c "$bin/pg_ctl -D '$dir/data' -w -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off' -l '$dir/log' start" >/dev/null
echo "$dir postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
