#!/usr/bin/env bash
# Installs Debian's chromium and chromium-driver for the browser tests (DashboardBrowserIT) when
# either is missing; does nothing when both are there. Needs root (or sudo without a password)
# and Debian's package archive. Exits non-zero, saying why, when it cannot install them: the test
# then fails with that message rather than skipping.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "chromium and chromium-driver are missing, and installing them needs root:" \
    "run 'apt-get install chromium chromium-driver' as root" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium and chromium-driver are missing, and this machine has no apt-get:" \
    "install Chromium and its ChromeDriver of the same version by hand" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "installing Debian's chromium and chromium-driver for the browser tests" >&2
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium chromium-driver >&2
command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1
