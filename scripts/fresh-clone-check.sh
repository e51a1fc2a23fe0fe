#!/usr/bin/env bash
# Proves the README's two commands on a clean checkout of HEAD: no node_modules, no .data,
# no build output. Clones into a temporary folder, runs `npm install && npm start` until
# /healthz answers, then `npm test`. Usage: scripts/fresh-clone-check.sh [port]
set -euo pipefail
port=${1:-3998}
repo=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
group=
trap '[ -n "$group" ] && kill -- "-$group" 2>/dev/null; rm -rf "$work"' EXIT
git clone -q "$repo" "$work/app"
cd "$work/app"
npm install --no-audit --no-fund > "$work/install.log" 2>&1 || { tail -30 "$work/install.log"; exit 1; }
# Its own process group, so the server and npm stop together.
PORT=$port setsid npm start > "$work/start.log" 2>&1 &
group=$!
for _ in $(seq 1 180); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "npm start never answered:"; tail -20 "$work/start.log"; exit 1; }
curl -fsS "http://127.0.0.1:$port/" | grep -q '<title>tessera' || { echo "the page is not served"; exit 1; }
echo "fresh clone: npm install && npm start serves the app on port $port"
kill -- "-$group" 2>/dev/null || true
group=
npm test
