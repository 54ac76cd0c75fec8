#!/usr/bin/env bash
# The seed's "Method 2: runner script" (scripts/dagster_dev.py): web UI + API + daemon in one process.
# Same as `npx llm-rag-yt dev`; arguments pass through (e.g. --port 3000).
set -euo pipefail
cd "$(dirname "$0")/.."
exec node packages/cli/bin/llm-rag-yt.js dev "$@"
