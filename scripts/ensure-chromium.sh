#!/usr/bin/env bash
# Prints the path of a Chromium for the browser tests, installing one when none is found:
# $CHROMIUM_PATH, then the usual system paths, then (as root) Debian's `chromium` package, the
# browser the tests are meant for, then Playwright's installer. Fails with a clear message only
# when all of that fails.
set -uo pipefail
PYTHON=${PYTHON:-.venv/bin/python}

find_chromium() {
  local c
  for c in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome \
           /usr/bin/google-chrome-stable /snap/bin/chromium; do
    if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return 0; fi
  done
  c=$(find "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}" -path '*chrome-linux*/chrome' \
        -type f -perm -u+x 2>/dev/null | head -n 1)
  if [ -n "$c" ]; then echo "$c"; return 0; fi
  return 1
}

if find_chromium; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium package..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq chromium >&2
  if find_chromium; then exit 0; fi
fi
echo "Trying Playwright's installer..." >&2
if timeout 300 "$PYTHON" -m playwright install chromium >&2 && find_chromium; then exit 0; fi
echo "ERROR: no Chromium for the browser tests. Install one (Debian/Ubuntu: 'sudo apt-get install" \
     "chromium'; elsewhere: '$PYTHON -m playwright install chromium') or set CHROMIUM_PATH." >&2
exit 1
