#!/usr/bin/env bash
# Install what tests/integration/test_accessibility.py needs to run DAISY Ace:
# a system Chromium (Ace drives it through Puppeteer) and the Ace CLI pinned in
# tests/a11y/package-lock.json.  Safe to run again: each step is skipped when
# its result is already there.  Run from anywhere:  bash tests/a11y/install.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

say() { printf 'a11y install: %s\n' "$*"; }

# --- Chromium (Puppeteer's own browser download is skipped: it is not reachable here) ---
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [[ -x "$chromium" ]]; then
  say "chromium present ($chromium)"
else
  sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    sudo=(sudo)
  fi
  say "installing chromium with apt-get"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends chromium >/dev/null
  chromium=/usr/bin/chromium
  if [[ ! -x "$chromium" ]]; then
    say "apt-get finished but $chromium is missing" >&2
    exit 1
  fi
fi

# --- The Ace CLI, exactly as locked ---
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "node and npm (Node.js >= 20) must be on PATH to install DAISY Ace" >&2
  exit 1
fi

lock="tests/a11y/package-lock.json"
stamp="tests/a11y/node_modules/.bookify-installed-lock.json"
ace="tests/a11y/node_modules/@daisy/ace-cli/bin/ace.js"
if [[ -f "$ace" && -f "$stamp" ]] && cmp -s "$lock" "$stamp"; then
  say "DAISY Ace already installed from $lock"
else
  say "installing DAISY Ace (npm ci)"
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tests/a11y --no-audit --no-fund --loglevel=error
  cp "$lock" "$stamp"
fi
say "ready: node $ace (with PUPPETEER_EXECUTABLE_PATH=$chromium)"
