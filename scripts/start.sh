#!/usr/bin/env bash
# Set up, build and start the desktop app: `npm start` (or `bash scripts/start.sh`).
# The Electron runtime is a separate download (the npm package holds only its types and launcher):
# used from node_modules/electron/dist or $ELECTRON_OVERRIDE_DIST_PATH, fetched once if missing.
# When it cannot be had, this says so and exits non-zero — it never pretends the app started.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/setup.sh
# shellcheck source=scripts/ensure-node.sh
source scripts/ensure-node.sh

echo "keyward start: building (electron-vite: main, preload, renderer)" >&2
ELECTRON_SKIP_BINARY_DOWNLOAD=1 npx --no-install electron-vite build

case "$(uname -s)" in
  Darwin) exe="Electron.app/Contents/MacOS/Electron" ;;
  MINGW* | MSYS* | CYGWIN*) exe="electron.exe" ;;
  *) exe="electron" ;;
esac

find_electron() {
  if [ -n "${ELECTRON_OVERRIDE_DIST_PATH:-}" ]; then
    [ -x "$ELECTRON_OVERRIDE_DIST_PATH/$exe" ] && { echo "$ELECTRON_OVERRIDE_DIST_PATH/$exe"; return 0; }
    echo "keyward start: ELECTRON_OVERRIDE_DIST_PATH=$ELECTRON_OVERRIDE_DIST_PATH has no $exe" >&2
    return 1
  fi
  [ -x "node_modules/electron/dist/$exe" ] && { echo "$root/node_modules/electron/dist/$exe"; return 0; }
  return 1
}

if ! electron_bin="$(find_electron)"; then
  fetched=0
  if [ -z "${ELECTRON_OVERRIDE_DIST_PATH:-}" ]; then
    echo "keyward start: the Electron runtime is not installed; trying to download it once" >&2
    if env -u ELECTRON_SKIP_BINARY_DOWNLOAD node node_modules/electron/install.js >/dev/null 2>&1; then
      electron_bin="$(find_electron)" && fetched=1
    fi
  fi
  if [ "$fetched" != 1 ]; then
    cat >&2 <<'EOF'

Keyward was built (out/), but the desktop window cannot start: the Electron 45 runtime is not on this
machine and could not be downloaded (no internet access, or github.com is blocked). Nothing else is
missing: the `keyward` command runs on the same engine and the same vault — try `npx keyward --help`.
To start the app with an Electron 45 you already have, point ELECTRON_OVERRIDE_DIST_PATH at the folder
that holds its executable (e.g. `ELECTRON_OVERRIDE_DIST_PATH=/opt/electron-v45 npm start`), or run
`npm run electron:fetch` once you are online and then `npm start` again.
EOF
    exit 1
  fi
fi

dist_dir="$(dirname "$electron_bin")"
[ "$exe" = "Electron.app/Contents/MacOS/Electron" ] && dist_dir="$(cd "$dist_dir/../../.." && pwd)"
if [ -f "$dist_dir/version" ] && ! grep -q '^v\{0,1\}45\.' "$dist_dir/version"; then
  echo "keyward start: warning: $electron_bin is Electron $(cat "$dist_dir/version"), not 45" >&2
fi
if [ "$exe" = electron ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "keyward start: no graphical session (neither DISPLAY nor WAYLAND_DISPLAY is set); the CLI works without one: npx keyward --help" >&2
  exit 1
fi

echo "keyward start: launching $electron_bin" >&2
unset ELECTRON_RUN_AS_NODE
status=0
"$electron_bin" "$root" "$@" || status=$?
if [ "$status" != 0 ] && [ "$exe" = electron ]; then
  echo "keyward start: Electron exited with status $status. If it complained about chrome-sandbox, this Linux forbids" \
    "unprivileged user namespaces: give the helper its SUID bit (sudo chown root:root \"$dist_dir/chrome-sandbox\" &&" \
    "sudo chmod 4755 \"$dist_dir/chrome-sandbox\"). Keyward does not turn the sandbox off." >&2
fi
exit "$status"
