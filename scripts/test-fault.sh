#!/usr/bin/env bash
# `npm run test:fault [-- jest args]`: the fault suite (test/fault/*.fault.test.ts), then a table of
# every fault's counts. FAULT_STACK=prod runs it on the Postgres-backed Temporal Server (one file at
# a time; it needs Go once, to build the server, and the machine's Postgres, FAULT_TEMPORAL_PG_URL).
set -uo pipefail
cd "$(dirname "$0")/.."

npm run --silent temporal:install >/dev/null
export FAULT_RESULTS_FILE="${FAULT_RESULTS_FILE:-$(mktemp -t hookline-fault-XXXXXX.jsonl)}"
: >"$FAULT_RESULTS_FILE"
started=$(date +%s)
npx jest --config test/fault/jest.config.js "$@"
rc=$?
npx tsx scripts/fault-summary.ts "$FAULT_RESULTS_FILE" "$(( $(date +%s) - started ))"
exit $rc
