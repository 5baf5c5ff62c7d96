#!/usr/bin/env bash
# deploy.sh: deploy one tempo-stack environment (the manifests in dist/<env>/) to a Kubernetes
# cluster, prove end to end that a trace goes in and comes back out, and manage what it deployed.
# A thin wrapper: the work is `tempo-stack deploy` (charts/cli/deploy/), which takes exactly these
# verbs and options and prints the same messages with this script's name in them.
# ./deploy.sh --help lists the verbs and options. Needs node 20+ and kubectl on this machine.
set -euo pipefail

ROOT=$(cd "${BASH_SOURCE[0]%/*}" 2>/dev/null && pwd) || ROOT=$PWD
readonly ROOT
readonly BIN="$ROOT/bin/tempo-stack.js"

fail() {
  printf 'deploy.sh: %s\nRun ./deploy.sh --help for the verbs and options.\n' "$1" >&2
  exit 2
}

command -v node >/dev/null || fail "node is not on the PATH: install Node.js 20 or newer (https://nodejs.org/)"
[[ -f $BIN ]] || fail "$BIN is missing: this is not a complete checkout of tempo-stack"
# npm ci installs the dependencies and compiles the CLI (the package's prepare script).
[[ -d $ROOT/node_modules ]] || fail "node_modules/ is missing next to deploy.sh: run npm ci first"
[[ -f $ROOT/lib/charts/cli/index.js ]] || fail "the tempo-stack CLI is not built (no lib/): run npm run build"

# dist/ and tempo-stack.yaml are read from the current folder: this checkout.
cd "$ROOT"
TEMPO_STACK_COMMAND=./deploy.sh exec node "$BIN" deploy "$@"
