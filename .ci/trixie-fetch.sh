#!/usr/bin/env bash
# Sourced by the install scripts: trixie_fetch DIR PACKAGE... downloads Debian trixie's packages
# through a private apt source list (the system's sources, lists and installed packages stay
# untouched) and unpacks them into DIR/x. Uses the machine's own Debian mirror, so a local mirror
# or proxy keeps working. Needs apt-get (root) and the mirror.
trixie_fetch() {
  local dir=$1 uri d
  shift
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  uri=${uri:-http://deb.debian.org/debian}
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri trixie main" > "$dir/sources.list"
  local o=(-o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
    -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" -o APT::Sandbox::User=root)
  apt-get "${o[@]}" update
  (cd "$dir" && apt-get "${o[@]}" download "$@")
  for d in "$dir"/*.deb; do dpkg -x "$d" "$dir/x"; done
}
