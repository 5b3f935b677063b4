#!/usr/bin/env bash
# Install Prometheus 3.5.x (prometheus, promtool) and Alertmanager (alertmanager,
# amtool) into <repo>/.tools/prometheus/bin, taken from Debian sid packages.
#
# Bookworm only ships Prometheus 2.42, so we fetch the sid .debs, but we never
# `apt-get install` them: the sid source, its pin and its package lists live in
# a private apt dir (.tools/apt) passed via -o options, so the system's apt
# state is untouched and nothing on the machine can be upgraded to sid.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$ROOT/.tools/prometheus/bin
APTDIR=$ROOT/.tools/apt
TOOLS=(prometheus promtool alertmanager amtool)

# True if $1 reports "version X.Y..." with X.Y >= $2.
version_at_least() {
  local v
  v=$("$1" --version 2>/dev/null | sed -n '1s/.*version \([0-9][0-9.]*\).*/\1/p')
  [[ -n $v ]] && printf '%s\n%s\n' "$2" "$v" | sort -V -C
}

print_versions() {
  local t
  for t in "${TOOLS[@]}"; do "$BIN/$t" --version 2>&1 | head -1; done
}

installed() {
  local t
  for t in "${TOOLS[@]}"; do [[ -x $BIN/$t ]] || return 1; done
  version_at_least "$BIN/promtool" 3.5
}

# Fast path: already installed and new enough -> nothing to do.
if installed; then
  echo "Prometheus tools already installed in $BIN"
  print_versions
  exit 0
fi

# Reuse the system's Debian mirror (no hostname hardcoded): the URI of the
# first "deb" source for the main suite (not -security/-updates), from
# deb822 *.sources files or one-line sources.list files.
mirror_uri() {
  shopt -s nullglob
  local deb822=(/etc/apt/sources.list.d/*.sources) oneline=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list)
  {
    ((${#deb822[@]})) && awk 'BEGIN{RS=""} {
        u=""; s=""; t=""
        n=split($0, L, "\n")
        for (i=1; i<=n; i++) {
          if (L[i] ~ /^URIs:/)   { split(L[i], a, /[ \t]+/); u=a[2] }
          if (L[i] ~ /^Suites:/) s=L[i]
          if (L[i] ~ /^Types:/)  t=L[i]
        }
        if (t ~ /[ \t]deb([ \t]|$)/ && s ~ /[ \t][a-z]+([ \t]|$)/ && u != "") print u
      }' "${deb822[@]}"
    for f in "${oneline[@]}"; do
      if [[ -f $f ]]; then sed -E 's/\[[^]]*\]//' "$f" | awk '$1=="deb" && $3 !~ /-/ {print $2}'; fi
    done
  } | grep -v -- '-security' | sed -n 1p
}
MIRROR=$(mirror_uri || true)
[[ -n $MIRROR ]] || { echo "error: could not find a Debian mirror in /etc/apt sources" >&2; exit 1; }
echo "Using Debian mirror $MIRROR (sid, private apt dir $APTDIR)"

# Private apt config: only a sid source, pinned to priority 1 (never preferred
# for installs/upgrades; belt and braces, since the system never sees it).
mkdir -p "$APTDIR"/{lists/partial,cache/archives/partial,sources.list.d,preferences.d}
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR sid main" >"$APTDIR/sources.list"
printf 'Package: *\nPin: release n=sid\nPin-Priority: 1\n' >"$APTDIR/preferences.d/sid.pref"
APT_OPTS=(
  -o Dir::Etc::sourcelist="$APTDIR/sources.list"
  -o Dir::Etc::sourceparts="$APTDIR/sources.list.d"
  -o Dir::Etc::preferences="$APTDIR/preferences"
  -o Dir::Etc::preferencesparts="$APTDIR/preferences.d"
  -o Dir::State::Lists="$APTDIR/lists"
  -o Dir::Cache="$APTDIR/cache"
  -o APT::Architectures="$(dpkg --print-architecture)"
  -o Acquire::Languages=none            # skip Translation indexes
  -o APT::Sandbox::User="$(id -un)"     # _apt cannot write into our temp dir
)
apt-get "${APT_OPTS[@]}" -qq update

# In sid, promtool is split out of the prometheus package.
PKGS=(prometheus promtool prometheus-alertmanager)
apt-cache "${APT_OPTS[@]}" policy "${PKGS[@]}" | grep -E '^[a-z]|Candidate'

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && apt-get "${APT_OPTS[@]}" -qq download "${PKGS[@]}")
for deb in "$TMP"/*.deb; do dpkg -x "$deb" "$TMP/root"; done

mkdir -p "$BIN"
install -m 755 "$TMP/root/usr/bin/prometheus"              "$BIN/prometheus"
install -m 755 "$TMP/root/usr/bin/promtool"                "$BIN/promtool"
install -m 755 "$TMP/root/usr/bin/prometheus-alertmanager" "$BIN/alertmanager"
install -m 755 "$TMP/root/usr/bin/amtool"                  "$BIN/amtool"

# The sid binaries are dynamically linked against glibc (>= 2.34 per the
# package deps); make sure they actually run here, and name missing libs if not.
for t in "${TOOLS[@]}"; do
  if ! "$BIN/$t" --version >/dev/null 2>&1; then
    echo "error: $BIN/$t does not run on this machine" >&2
    ldd "$BIN/$t" 2>&1 | grep -i 'not found' >&2 || "$BIN/$t" --version >&2 || true
    exit 1
  fi
done
version_at_least "$BIN/promtool" 3.5 || { echo "error: sid promtool is older than 3.5" >&2; exit 1; }

print_versions
