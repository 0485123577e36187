#!/usr/bin/env bash
# Source me: puts a Node >= 22.18 first on PATH. Uses the system Node when it is new enough,
# otherwise installs the npm registry's `node@22` package (it ships the binary) into .tools/.
# 22.18 is the first Node 22 that runs TypeScript directly (type stripping on by default).
_kw_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_kw_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=18)?0:1)'
}
if ! _kw_node_ok; then
  _kw_tools="$_kw_root/.tools/node22"
  if [ ! -x "$_kw_tools/node_modules/node/bin/node" ]; then
    echo "keyward: system Node $(node --version 2>/dev/null || echo none) is older than 22.18; installing node@22 into .tools/" >&2
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$_kw_tools" node@22 >&2
  fi
  export PATH="$_kw_tools/node_modules/node/bin:$PATH"
  _kw_node_ok || { echo "keyward: could not provide Node >= 22.18" >&2; return 1 2>/dev/null || exit 1; }
fi
unset _kw_tools
