#!/usr/bin/env bash
# Installs, from Debian's packages, what the tests need and the machine
# lacks: a C compiler for the race detector, Chromium for the browser tests,
# PostgreSQL for the PostgreSQL store's tests (the tests start their own
# server on loopback; nothing is configured system-wide).
set -euo pipefail
need=()
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v chromium >/dev/null || need+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null || need+=(postgresql)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing from Debian's packages: ${need[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${need[@]}"
