#!/usr/bin/env bash
# Run a command with DATABASE_URL pointing at a PostgreSQL server: the one on
# 127.0.0.1:5432 when it answers (or DATABASE_URL when set), else a throwaway cluster
# started here and stopped afterwards.
set -euo pipefail

if [ -n "${DATABASE_URL:-}" ]; then
  exec "$@"
fi

if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
  export DATABASE_URL="postgresql://postgres@127.0.0.1:5432/kinlink"
  exec "$@"
fi

bindir="$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
if [ ! -x "$bindir/initdb" ]; then
  echo "PostgreSQL server binaries not found; installing Debian's postgresql" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
dir="$(mktemp -d /tmp/kinlink-pg.XXXXXX)"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
cleanup() { "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
"${as_pg[@]}" "$bindir/initdb" -D "$dir" -U postgres -A trust >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$dir" -w -l "$dir/log" \
  -o "-k $dir -c listen_addresses='' -c fsync=off -c full_page_writes=off" start >/dev/null
export DATABASE_URL="postgresql://postgres@/kinlink?host=$dir"
"$@"
