# Source this file (`. .ci/env.sh`) to get the project's Node.js (24) and pnpm on PATH.
# Both come from the npm registry into .tools/, which git ignores; the machine's own Node may be older.
_aiwarp_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_aiwarp_tools="$_aiwarp_root/.tools"
# npm needs the system CA bundle where TLS goes through an intercepting proxy; without it every
# fetch is retried until it times out.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
if [ ! -x "$_aiwarp_tools/node_modules/.bin/node" ] || [ ! -x "$_aiwarp_tools/node_modules/.bin/pnpm" ]; then
  mkdir -p "$_aiwarp_tools"
  echo '{"private":true}' > "$_aiwarp_tools/package.json"
  npm install --prefix "$_aiwarp_tools" --no-save --no-audit --no-fund --loglevel=error node@24 pnpm@10.34.9 >&2
fi
export PATH="$_aiwarp_tools/node_modules/.bin:$PATH"
unset _aiwarp_root _aiwarp_tools
