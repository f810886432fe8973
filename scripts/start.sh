#!/usr/bin/env bash
# npm start: the whole platform on embedded defaults, from a fresh checkout.
# Installs what is missing, builds, then hands over to the Node orchestrator (scripts/start.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm packages…"
  npm ci --no-audit --no-fund
fi
echo "building…"
npm run build --silent  # the TypeScript and the dashboard bundle
exec node dist/scripts/start.js "$@"
