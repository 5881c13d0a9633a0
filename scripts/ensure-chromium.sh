#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests, unless it is already there.
# Safe to run repeatedly; needs no terminal (CI), only root or password-less sudo.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "ensure-chromium: /usr/bin/chromium is missing and installing it needs root." >&2
  echo "  Run as root, or: sudo apt-get install -y --no-install-recommends chromium" >&2
  exit 1
fi

echo "ensure-chromium: installing Debian's chromium..." >&2
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium </dev/null >/dev/null

if [ ! -x /usr/bin/chromium ]; then
  echo "ensure-chromium: apt-get finished but /usr/bin/chromium is still missing." >&2
  exit 1
fi
echo "ensure-chromium: $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium installed')" >&2
