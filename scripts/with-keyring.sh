#!/usr/bin/env bash
# Runs a command with a real, throwaway Secret Service: a private D-Bus session bus and a
# gnome-keyring-daemon whose login keyring lives in a temp folder and is unlocked with a
# throwaway password. Your own keyring is never touched.
# Usage: scripts/with-keyring.sh COMMAND [ARGS…]
set -euo pipefail
if [ "${KEYWARD_IN_TEST_KEYRING:-}" != 1 ]; then
  if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
    echo "with-keyring: dbus-run-session and gnome-keyring-daemon are needed (scripts/setup.sh --test installs them)" >&2
    exit 1
  fi
  scratch="$(mktemp -d -t keyward-keyring.XXXXXX)"
  trap 'rm -rf "$scratch"' EXIT
  mkdir -p "$scratch/data" "$scratch/runtime" && chmod 700 "$scratch/runtime"
  export XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime" KEYWARD_IN_TEST_KEYRING=1
  # dbus-run-session ends the bus, and with it the daemon, when the command exits.
  dbus-run-session -- "$0" "$@" 2> >(grep -v 'Failed to set fd limit\|Activating service\|Successfully activated' >&2)
  exit $?
fi
eval "$(printf '%s' 'keyward-test-keyring' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
export GNOME_KEYRING_CONTROL
export KEYWARD_TEST_KEYRING=1
exec "$@"
