#!/usr/bin/env bash
# Installs promtool and prometheus 2.53.3 (Debian trixie's build) into .tools/prometheus-2.53.3/ of
# this checkout, for the rule and config checks in test/prometheus/. Debian bookworm's own package
# (2.42) lacks Kubernetes service discovery, so its `promtool check config` rejects our config;
# trixie's static binaries run on bookworm. apt reads a private source list, so the system's
# sources, lists and installed packages stay untouched. Idempotent: exits at once when the
# binaries are already there at the right version. Needs apt-get (root) and the Debian mirror.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=.ci/trixie-fetch.sh
. .ci/trixie-fetch.sh

VERSION=2.53.3
DEST=".tools/prometheus-${VERSION}"

installed() {
  [ -x "$DEST/promtool" ] && [ -x "$DEST/prometheus" ] \
    && "$DEST/promtool" --version 2>&1 | grep -q "version ${VERSION}" \
    && "$DEST/prometheus" --version 2>&1 | grep -q "version ${VERSION}"
}

if installed; then
  echo "promtool and prometheus ${VERSION} already in ${DEST}"
  exit 0
fi

A=$(mktemp -d)
trap 'rm -rf "$A"' EXIT
trixie_fetch "$A" prometheus promtool

mkdir -p "$DEST"
install -m 0755 "$A/x/usr/bin/promtool" "$A/x/usr/bin/prometheus" "$DEST/"
if ! installed; then
  echo "install-prometheus: trixie no longer ships ${VERSION}:" >&2
  "$DEST/promtool" --version >&2 || true
  exit 1
fi
echo "installed promtool and prometheus ${VERSION} in ${DEST}"
