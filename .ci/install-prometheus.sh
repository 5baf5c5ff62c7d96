#!/usr/bin/env bash
# Installs promtool and prometheus 2.53.3 (Debian trixie's build) into .tools/prometheus-2.53.3/ of
# this checkout, for the rule and config checks in test/prometheus/. Debian bookworm's own package
# (2.42) lacks Kubernetes service discovery, so its `promtool check config` rejects our config;
# trixie's static binaries run on bookworm. apt reads a private source list, so the system's
# sources, lists and installed packages stay untouched. Idempotent: exits at once when the
# binaries are already there at the right version. Needs apt-get (root) and the Debian mirror.
set -euo pipefail
cd "$(dirname "$0")/.."

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
mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
# The machine's own Debian mirror, so a local mirror or proxy keeps working.
URI=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
URI=${URI:-http://deb.debian.org/debian}
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $URI trixie main" > "$A/sources.list"
O=(-o "Dir::Etc::SourceList=$A/sources.list" -o Dir::Etc::SourceParts=/nonexistent
   -o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache" -o APT::Sandbox::User=root)
apt-get "${O[@]}" update
(cd "$A" && apt-get "${O[@]}" download prometheus promtool)
for d in "$A"/*.deb; do dpkg -x "$d" "$A/x"; done

mkdir -p "$DEST"
install -m 0755 "$A/x/usr/bin/promtool" "$A/x/usr/bin/prometheus" "$DEST/"
if ! installed; then
  echo "install-prometheus: trixie no longer ships ${VERSION}:" >&2
  "$DEST/promtool" --version >&2 || true
  exit 1
fi
echo "installed promtool and prometheus ${VERSION} in ${DEST}"
