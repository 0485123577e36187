#!/usr/bin/env bash
# Runs a command with a real, throwaway PostgreSQL: a new cluster in a temp folder, owned by an
# unprivileged user (PostgreSQL refuses to run as root: as root the cluster runs as `nobody`),
# listening on 127.0.0.1 on a free port and on a private unix socket, removed when the command ends.
# The command gets KEYWARD_TEST_DATABASE_URL=postgres://keyward@127.0.0.1:PORT/postgres (a superuser,
# trust auth: tests create their own databases). Installs Debian's `postgresql` if it is missing.
# Usage: scripts/with-postgres.sh COMMAND [ARGS…]
set -euo pipefail
# An outer run's cluster is reused, unless KEYWARD_PG_FRESH=1 asks for a cluster of its own (a test
# that stops and starts PostgreSQL must not take the shared one down).
if [ -n "${KEYWARD_TEST_DATABASE_URL:-}" ] && [ "${KEYWARD_PG_FRESH:-}" != 1 ]; then exec "$@"; fi

find_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
bindir="$(find_bindir)"
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  sudo=""; [ "$(id -u)" != 0 ] && sudo="sudo"
  echo "with-postgres: apt-get install postgresql" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >&2
  bindir="$(find_bindir)"
fi
if [ -z "$bindir" ]; then
  echo "with-postgres: PostgreSQL's initdb was not found after installing postgresql" >&2
  exit 1
fi

scratch="$(mktemp -d -t keyward-pg.XXXXXX)"
as_owner() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  chown nobody "$scratch"
  as_owner() { runuser -u nobody -- "$@"; }
fi
chmod 700 "$scratch"
cleanup() {
  as_owner "$bindir/pg_ctl" -D "$scratch/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
child=""
trap cleanup EXIT
trap '[ -n "$child" ] && kill "$child" 2>/dev/null; exit 143' TERM INT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
as_owner "$bindir/initdb" -D "$scratch/data" -U keyward -A trust -E UTF8 --no-sync >"$scratch/initdb.log" 2>&1 || {
  cat "$scratch/initdb.log" >&2
  exit 1
}
mkdir -p "$scratch/socket" && [ "$(id -u)" = 0 ] && chown nobody "$scratch/socket"
# A test database: durability is not the point, so no fsync. `ctl.sh stop|start` lets a test stop
# and start this cluster (KEYWARD_TEST_POSTGRES_CTL).
options="-c listen_addresses=127.0.0.1 -p $port -k $scratch/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
owner_prefix=""; [ "$(id -u)" = 0 ] && owner_prefix="runuser -u nobody --"
cat >"$scratch/ctl.sh" <<CTL
#!/usr/bin/env bash
set -euo pipefail
case "\${1:-}" in
  stop) $owner_prefix "$bindir/pg_ctl" -D "$scratch/data" -m fast -w stop >/dev/null ;;
  start) $owner_prefix "$bindir/pg_ctl" -D "$scratch/data" -l "$scratch/postgres.log" -w -t 30 start -o "$options" >/dev/null ;;
  *) echo "usage: ctl.sh stop|start" >&2; exit 2 ;;
esac
CTL
chmod 755 "$scratch/ctl.sh"
bash "$scratch/ctl.sh" start || {
  cat "$scratch/postgres.log" >&2
  exit 1
}
export KEYWARD_TEST_DATABASE_URL="postgres://keyward@127.0.0.1:$port/postgres"
export KEYWARD_TEST_POSTGRES_BIN="$bindir" KEYWARD_TEST_POSTGRES_CTL="$scratch/ctl.sh"
unset KEYWARD_PG_FRESH
# In the background and waited for, so a TERM to this script stops the cluster at once.
"$@" &
child=$!
set +e
wait "$child"
status=$?
set -e
exit "$status"
