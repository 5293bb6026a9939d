#!/usr/bin/env bash
# Set up everything and serve the workbench on http://127.0.0.1:8000 with SQLite,
# the NIST catalogs and the demo city loaded.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO"

apt_install "${BASE_PACKAGES[@]}"
ensure_python

export WORKBENCH_NIST_DIR
WORKBENCH_NIST_DIR="$(nist_dir)"
mkdir -p var

log "Migrating the database (var/workbench.sqlite3 unless DATABASE_URL is set)"
"$PY" manage.py migrate --noinput -v 0

if [ ! -f "$WORKBENCH_NIST_DIR/sp800-53/rev5/NIST_SP-800-53_rev5_catalog.json" ]; then
  log "Fetching the NIST reference files from their publishers into $WORKBENCH_NIST_DIR"
  "$PY" manage.py fetch_catalogs --dest "$WORKBENCH_NIST_DIR"
fi
log "Loading the NIST catalogs from $WORKBENCH_NIST_DIR"
"$PY" manage.py load_catalogs --dir "$WORKBENCH_NIST_DIR"

log "Loading the demo city"
"$PY" manage.py seed_demo

log "Serving on http://127.0.0.1:${PORT:-8000}/ (Ctrl+C to stop)"
exec "$PY" manage.py runserver "127.0.0.1:${PORT:-8000}"
