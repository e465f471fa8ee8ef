#!/usr/bin/env bash
# Runs the official MCP conformance suite's server scenarios against the demo server.
# The suite needs Node 22; `npx -p node@22` brings it from the npm registry.
set -uo pipefail
cd "$(dirname "$0")/.."
PORT="${CONFORMANCE_PORT:-3917}"
OUT="${CONFORMANCE_OUT:-.ci/out/conformance}"
mkdir -p "$OUT"
# The server scenarios carry no credentials, so the demo runs without auth here.
MCP_BASTION_AUTH=none MCP_BASTION_LOG_LEVEL=warn node dist/cli/main.js serve --port "$PORT" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$PORT/health" > /dev/null && break
  sleep 0.2
done
npx -y -p node@22 -p @modelcontextprotocol/conformance@0.1.16 conformance server \
  --url "http://127.0.0.1:$PORT/mcp" --expected-failures conformance/expected-failures.yml -o "$OUT/results" 2>&1 | tee "$OUT/run.txt"
exit "${PIPESTATUS[0]}"
