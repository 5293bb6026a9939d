#!/usr/bin/env bash
# Install what the tests need, check lint and migrations, then run the whole suite twice:
# on SQLite and on a real PostgreSQL server started here. Extra arguments go to pytest.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO"

apt_install "${BASE_PACKAGES[@]}" chromium postgresql redis-server
ensure_python

export WORKBENCH_NIST_DIR DJANGO_ALLOW_ASYNC_UNSAFE=true
WORKBENCH_NIST_DIR="$(nist_dir)"
unset DATABASE_URL

log "ruff (lint and format)"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .

mkdir -p var
log "Migrations are up to date"
"$PY" manage.py makemigrations --check --dry-run

# A real Redis for the Celery job test (tests/test_document_jobs_celery.py), on a private port.
REDIS_PORT="${WORKBENCH_TEST_REDIS_PORT:-63799}"
REDIS_DIR="$(mktemp -d /tmp/workbench-redis.XXXXXX)"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$REDIS_DIR" --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
stop_redis() { [ -f "$REDIS_DIR/redis.pid" ] && kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true; rm -rf "$REDIS_DIR"; }
export WORKBENCH_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
trap stop_redis EXIT

log "Test suite on SQLite"
"$VENV/bin/pytest" -p no:cacheprovider "$@"

log "Test suite on PostgreSQL"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
PGDATA="$(mktemp -d /tmp/workbench-pg.XXXXXX)"
PGPORT="${WORKBENCH_TEST_PGPORT:-54329}"
chown postgres:postgres "$PGDATA" 2>/dev/null || true
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
as_postgres "$PGBIN/initdb" -D "$PGDATA" -U workbench --auth=trust -E UTF8 >/dev/null
as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
  -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
trap 'as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PGDATA"; stop_redis' EXIT
DATABASE_URL="postgres://workbench@127.0.0.1:$PGPORT/workbench" \
  "$VENV/bin/pytest" -p no:cacheprovider "$@"
