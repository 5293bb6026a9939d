# Shared by run.sh and test.sh: system packages, the virtual environment, the locked dependencies.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${WORKBENCH_VENV:-$REPO/.venv}"
PY="$VENV/bin/python"

log() { printf '\n==> %s\n' "$*"; }

apt_install() {
  # Installs only what is missing; needs root (CI and the README run as root on Debian 12).
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    log "Installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# Python 3.11 with venv; WeasyPrint's Pango/HarfBuzz and fonts for PDF rendering.
BASE_PACKAGES=(python3 python3-venv python3-dev ca-certificates libpango-1.0-0 libpangoft2-1.0-0
  libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2 shared-mime-info)

ensure_python() {
  if ! command -v python3 >/dev/null || ! python3 -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
    echo "Python 3.11 is required (Debian 12 ships it as python3)." >&2
    exit 1
  fi
  if [ ! -x "$PY" ]; then
    log "Creating the virtual environment in $VENV"
    python3 -m venv "$VENV"
  fi
  local stamp="$VENV/.requirements.sha256"
  local want
  want="$(cat "$REPO/requirements.lock" "$REPO/pyproject.toml" | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "Installing the locked Python dependencies"
    "$PY" -m pip install -q --disable-pip-version-check -r "$REPO/requirements.lock"
    "$PY" -m pip install -q --disable-pip-version-check --no-deps -e "$REPO"
    echo "$want" > "$stamp"
  fi
}

nist_dir() {
  # Where the NIST reference files are: WORKBENCH_NIST_DIR, else ../shared/nist beside the
  # project (CI), else var/nist filled by `manage.py fetch_catalogs` from the publishers.
  if [ -n "${WORKBENCH_NIST_DIR:-}" ]; then
    echo "$WORKBENCH_NIST_DIR"
  elif [ -f "$REPO/../shared/nist/README.md" ]; then
    (cd "$REPO/../shared/nist" && pwd)
  else
    echo "$REPO/var/nist"
  fi
}
