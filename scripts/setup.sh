#!/usr/bin/env bash
# One-time (idempotent) set-up: system packages, Node >= 22.18, npm dependencies.
# Usage: scripts/setup.sh [--test]   (--test also installs what the test suite needs)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
want_test=0; [ "${1:-}" = "--test" ] && want_test=1

apt_pkgs=()
need() { dpkg -s "$1" >/dev/null 2>&1 || apt_pkgs+=("$1"); }
if command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1; then
  # Runtime on Linux: the Secret Service client library the keychain binding talks to.
  need libsecret-1-0
  if [ "$want_test" = 1 ]; then
    need dbus; need gnome-keyring; need libsecret-tools; need oathtool; need python3-jwt
    need xvfb; need xclip; need xsel  # a real X clipboard for the clipboard tests
    need chromium; need fonts-dejavu-core  # the renderer's end-to-end tests run in real Chromium
    need postgresql  # the server's storage suite runs on a real, throwaway PostgreSQL cluster
    need openssl  # a throwaway certificate for the server's HTTPS test
    need nginx; need caddy  # the gateway configurations in server/deploy/ are tested end to end
  fi
  if [ "${#apt_pkgs[@]}" -gt 0 ]; then
    sudo=""; [ "$(id -u)" != 0 ] && sudo="sudo"
    echo "keyward setup: apt-get install ${apt_pkgs[*]}" >&2
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >&2
  fi
fi

# shellcheck source=scripts/ensure-node.sh
source "$root/scripts/ensure-node.sh"

# The electron package's postinstall would download the Electron runtime; we never need it to
# install or test (see README, Development). Where it can be downloaded, `npm run electron:fetch` does it.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
fi

# The keyward CLI starts from a bundle (bin/keyward.cjs falls back to the sources while it is
# missing or out of date): build it once here; `npm run build:cli` rebuilds it.
node scripts/build-cli.ts >&2 || echo "keyward setup: could not bundle the CLI; it runs from the sources (slower start)" >&2
# keyward-server likewise (bin/keyward-server.cjs): the bundle holds far less memory than the sources.
node scripts/build-server.ts >&2 || echo "keyward setup: could not bundle the server; it runs from the sources (more memory)" >&2
