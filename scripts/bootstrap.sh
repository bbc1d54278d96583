#!/usr/bin/env bash
# Installs what the project needs on Debian or Ubuntu: system packages (through apt when run as root,
# otherwise a message naming them), a virtual environment in .venv with the project and its test extra.
# Set WITH_BROWSER=1 to include Debian's Chromium for the browser tests.
# When another apt-get holds the package manager's locks (on a fresh machine: the automatic updates at first
# boot), waits for it: up to APT_LOCK_TIMEOUT seconds, 10 minutes by default (scripts/wait-for-apt.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "Python 3.11 or newer is needed: apt-get install python3 python3-venv" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11 or newer is needed; $("$PYTHON" --version) was found." >&2
  exit 1
fi

# WeasyPrint needs Pango and HarfBuzz's subsetter (without it font subsetting is 3-4x slower); DejaVu has Cyrillic.
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext)
if [ "${WITH_BROWSER:-0}" = "1" ]; then
  packages+=(poppler-utils)  # the tests read the generated PDFs (pdftotext, pdffonts)
fi
if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  packages+=(python3-venv)
fi
if [ "${WITH_BROWSER:-0}" = "1" ]; then
  packages+=(chromium)
fi
# npm installs the SCORM and H5P players (package.json; served as static files) and, for the tests, axe-core.
command -v npm >/dev/null 2>&1 || packages+=(npm)  # Node may come from elsewhere than apt
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Another apt-get (on a fresh machine: the automatic updates at first boot) may hold the locks: wait for it
    # (APT_LOCK_TIMEOUT seconds at most, 10 minutes by default). Checked again before the install, which the
    # updates may have started meanwhile; apt's own timeout covers the moment between the check and the install.
    ./scripts/wait-for-apt.sh
    apt-get update -qq
    ./scripts/wait-for-apt.sh
    apt-get install -y -qq -o DPkg::Lock::Timeout="${APT_LOCK_TIMEOUT:-600}" --no-install-recommends \
      "${missing[@]}" >/dev/null
  else
    echo "These system packages are missing: ${missing[*]}" >&2
    echo "Install them as root, then run this command again:" >&2
    echo "  sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# The virtual environment is rebuilt only when pyproject.toml changes.
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# The players (scorm-again, h5p-standalone) and axe-core for the browser tests, as package-lock.json pins them;
# reinstalled when it changes. No package's install scripts run (--ignore-scripts): we only serve their files.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund --silent
fi
