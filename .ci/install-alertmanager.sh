#!/usr/bin/env bash
# Installs Alertmanager 0.28.1 and amtool (Debian trixie's build, package prometheus-alertmanager)
# into .tools/alertmanager-0.28.1/ of this checkout, for the config, routing and live tests in
# test/alertmanager/. apt reads a private source list, so the system's sources, lists and installed
# packages stay untouched (as in install-prometheus.sh).
#
# Debian's alertmanager has the paths of its built-in notification templates compiled in:
# /usr/share/prometheus/alertmanager/default.tmpl and email.tmpl (shipped in the same .deb); without
# them there it loads its config but fails to apply it ("failed to parse templates") and never
# notifies. This script copies each file there when its path is free, and leaves an existing file
# alone (a system-installed Alertmanager owns it); .tools/alertmanager-0.28.1/ keeps our copies.
# Needs root for those two paths.
#
# Idempotent: exits at once when everything is in place at the right version. Needs apt-get (root)
# and the Debian mirror.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=.ci/trixie-fetch.sh
. .ci/trixie-fetch.sh

VERSION=0.28.1
DEST=".tools/alertmanager-${VERSION}"
TEMPLATE_DIR=/usr/share/prometheus/alertmanager

installed() {
  [ -x "$DEST/alertmanager" ] && [ -x "$DEST/amtool" ] && [ -f "$DEST/default.tmpl" ] && [ -f "$DEST/email.tmpl" ] \
    && "$DEST/alertmanager" --version 2>&1 | grep -q "version ${VERSION}" \
    && "$DEST/amtool" --version 2>&1 | grep -q "version ${VERSION}"
}

TEMPLATES=(default.tmpl email.tmpl)

place_templates() {
  for t in "${TEMPLATES[@]}"; do
    if [ -f "$TEMPLATE_DIR/$t" ]; then
      cmp -s "$TEMPLATE_DIR/$t" "$DEST/$t" \
        || echo "install-alertmanager: $TEMPLATE_DIR/$t exists and differs from ${VERSION}'s; left as it is" >&2
      continue
    fi
    mkdir -p "$TEMPLATE_DIR"
    install -m 0644 "$DEST/$t" "$TEMPLATE_DIR/$t"
    echo "installed ${VERSION}'s $t in $TEMPLATE_DIR (the path Debian's alertmanager reads it from)"
  done
}

if installed; then
  echo "alertmanager and amtool ${VERSION} already in ${DEST}"
  place_templates
  exit 0
fi

A=$(mktemp -d)
trap 'rm -rf "$A"' EXIT
trixie_fetch "$A" prometheus-alertmanager

mkdir -p "$DEST"
install -m 0755 "$A/x/usr/bin/prometheus-alertmanager" "$DEST/alertmanager"
install -m 0755 "$A/x/usr/bin/amtool" "$DEST/amtool"
for t in "${TEMPLATES[@]}"; do install -m 0644 "$A/x$TEMPLATE_DIR/$t" "$DEST/$t"; done
if ! installed; then
  echo "install-alertmanager: trixie no longer ships ${VERSION}:" >&2
  "$DEST/alertmanager" --version >&2 || true
  exit 1
fi
echo "installed alertmanager and amtool ${VERSION} in ${DEST}"
place_templates
