#!/usr/bin/env bash
# Make sure a Chromium binary is on PATH for the browser tests (tests/mobile_stub).
# Idempotent: does nothing when chromium is already installed. Playwright's own browser
# download is not used; the tests launch the system Chromium (Debian's `chromium`).
# A small CJK font comes along so zh-CN screenshots are legible. A failed apt-get fails
# the script: CI should not quietly skip the browser tests.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: no chromium and no apt-get; install Chromium by hand" >&2
  echo "install-browser: (the browser tests skip themselves without it)" >&2
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "install-browser: not root and no sudo; cannot apt-get install chromium" >&2
    exit 0
  fi
fi

echo "install-browser: apt-get install chromium fonts-wqy-microhei"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei
command -v chromium
