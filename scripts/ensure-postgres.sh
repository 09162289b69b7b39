#!/bin/sh
# Make sure the PostgreSQL server binaries are installed (the tests start a throwaway server).
# Exits 0 when initdb is found under /usr/lib/postgresql/*/bin; otherwise installs the Debian
# package when running as root with apt-get, else explains and exits 1. Starts no server.
set -eu

have_initdb() {
    for f in /usr/lib/postgresql/*/bin/initdb; do
        [ -x "$f" ] && { echo "PostgreSQL found: $f"; return 0; }
    done
    return 1
}

have_initdb && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin." >&2
    echo "Install them as root, e.g.: apt-get install -y postgresql" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when apt does not know the package yet.
if ! apt-cache show postgresql >/dev/null 2>&1; then
    apt-get update -q
fi
# Stale lists can name package versions the mirror no longer has: refresh once and retry.
apt-get install -y -q postgresql || { apt-get update -q && apt-get install -y -q postgresql; }

if have_initdb; then
    exit 0
fi
echo "apt-get installed postgresql, but initdb is still missing under /usr/lib/postgresql/*/bin." >&2
exit 1
