#!/bin/sh
# Make sure HAProxy is installed (tests/test_cluster.py and `make cluster` run it on loopback).
# Exits 0 when `haproxy` is found; otherwise installs Debian's package when running as root with
# apt-get, else explains and exits 1. Starts nothing.
set -eu

have_haproxy() {
    for f in "$(command -v haproxy 2>/dev/null || true)" /usr/sbin/haproxy; do
        [ -n "$f" ] && [ -x "$f" ] && { echo "HAProxy found: $f"; return 0; }
    done
    return 1
}

have_haproxy && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "HAProxy not found. Install it as root, e.g.: apt-get install -y haproxy" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show haproxy >/dev/null 2>&1; then
    apt-get update -q
fi
apt-get install -y -q --no-install-recommends haproxy || { apt-get update -q && apt-get install -y -q --no-install-recommends haproxy; }
# Debian's package starts a system haproxy on port 80 where there is an init system; the project
# runs its own on loopback ports and needs none.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet haproxy 2>/dev/null; then
    systemctl stop haproxy || true
fi

have_haproxy && exit 0
echo "apt-get installed haproxy, but the haproxy binary is still missing." >&2
exit 1
