#!/usr/bin/env bash
# Proves the README's two commands on a clean checkout of HEAD: no node_modules, no .data,
# no build output. Clones into a temporary folder, runs `npm install && npm start` until
# /healthz answers, then `npm test`. Usage: scripts/fresh-clone-check.sh [port]
set -euo pipefail
port=${1:-3998}
repo=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'pkill -f "$work/app/examples/fullstack" 2>/dev/null || true; rm -rf "$work"' EXIT
git clone -q "$repo" "$work/app"
cd "$work/app"
(PORT=$port npm install --no-audit --no-fund > "$work/install.log" 2>&1 && PORT=$port npm start > "$work/start.log" 2>&1) &
for _ in $(seq 1 600); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "npm start never answered; logs:"; tail -20 "$work/install.log" "$work/start.log"; exit 1; }
curl -fsS "http://127.0.0.1:$port/" | grep -q '<title>tessera' || { echo "the page is not served"; exit 1; }
echo "fresh clone: npm install && npm start serves the app on port $port"
pkill -f "$work/app/examples/fullstack" || true
npm test
