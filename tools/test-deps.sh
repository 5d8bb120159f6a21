#!/usr/bin/env bash
# Installs, from Debian's packages, what the tests need and the machine
# lacks: a C compiler for the race detector, Chromium for the browser tests,
# PostgreSQL for the PostgreSQL store's tests (the tests start their own
# server on loopback; nothing is configured system-wide), npm for axe-core.
# Then axe-core, the accessibility rules the browser tests run, from npm at
# the version tools/axe/package-lock.json pins (into tools/axe/node_modules).
set -euo pipefail
need=()
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v chromium >/dev/null || need+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null || need+=(postgresql)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing from Debian's packages: ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${need[@]}"
fi

# npm ci installs exactly the lock file's version, checked against its
# integrity hash; it runs only when what is installed is not that version.
axe=tools/axe
pinned=$(sed -n '/"node_modules\/axe-core"/,/}/s/.*"version": "\([^"]*\)".*/\1/p' "$axe/package-lock.json")
installed=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' "$axe/node_modules/axe-core/package.json" 2>/dev/null || true)
if [ "$installed" != "$pinned" ]; then
  echo "Installing axe-core $pinned from npm (tools/axe)"
  npm ci --prefix "$axe" --no-audit --no-fund --ignore-scripts
fi
