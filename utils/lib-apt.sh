# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# shellcheck shell=bash
# Private apt configuration helpers, sourced by utils/ scripts.
#
# Debian mirrors are never named here: the URIs are read from the machine's own
# apt sources, and apt runs with Dir::Etc::SourceList / Dir::State::Lists /
# Dir::Cache pointing into a private directory, so the system's apt
# configuration stays untouched.

# The first URI of the machine's Debian archive (not the security archive).
system_debian_uri() {
  local f=/etc/apt/sources.list.d/debian.sources uri=
  if [ -f "$f" ]; then
    uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f")
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' /etc/apt/sources.list)
  fi
  if [ -z "$uri" ]; then
    echo "lib-apt: no Debian archive URI found in the machine's apt sources" >&2
    return 1
  fi
  echo "$uri"
}

# private_apt_setup DIR TYPE SUITE: a fresh private apt state in DIR with one source.
private_apt_setup() {
  local dir=$1
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/sources.list.d"
  : > "$dir/sources.list"
  PRIVATE_APT_DIR=$dir
  private_apt_add "$@"
}

# The keyring the private sources are checked with; a caller may point it at a
# private copy of a newer debian-archive-keyring (see private_apt_newer_keyring).
: "${PRIVATE_APT_KEYRING:=/usr/share/keyrings/debian-archive-keyring.gpg}"

# private_apt_add DIR TYPE SUITE: add one more source line.
private_apt_add() {
  local dir=$1 type=$2 suite=$3 uri
  uri=$(system_debian_uri)
  echo "$type [signed-by=$PRIVATE_APT_KEYRING] $uri $suite main" >> "$dir/sources.list"
}

# private_apt_newer_keyring DIR: when the machine's keyring is too old for a
# suite (e.g. trixie on an old bookworm), fetch the current
# debian-archive-keyring package through the machine's own (trusted) sources,
# unpack it into DIR and switch the private sources over to its keyring.
# Nothing outside DIR changes.
private_apt_newer_keyring() {
  local dir=$1 kdir=$1/keyring deb
  rm -rf "$kdir"
  mkdir -p "$kdir"
  (cd "$kdir" && apt-get -q -o APT::Sandbox::User=root download debian-archive-keyring) >&2 || return 1
  deb=$(ls "$kdir"/debian-archive-keyring_*.deb) || return 1
  dpkg-deb -x "$deb" "$kdir/root" || return 1
  [ -f "$kdir/root/usr/share/keyrings/debian-archive-keyring.gpg" ] || return 1
  sed -i "s#signed-by=$PRIVATE_APT_KEYRING#signed-by=$kdir/root/usr/share/keyrings/debian-archive-keyring.gpg#" \
    "$dir/sources.list"
  PRIVATE_APT_KEYRING=$kdir/root/usr/share/keyrings/debian-archive-keyring.gpg
}

private_apt() {
  local dir=$PRIVATE_APT_DIR
  apt-get -q -o Dir::Etc::SourceList="$dir/sources.list" \
    -o Dir::Etc::SourceParts="$dir/sources.list.d" \
    -o Dir::State::Lists="$dir/lists" \
    -o Dir::Cache="$dir/cache" \
    -o APT::Sandbox::User=root \
    "$@"
}

# private_apt_lists_ok DIR: did the last update fetch every source's index?
# (apt-get update exits 0 even when a Release signature does not verify.)
private_apt_lists_ok() {
  local dir=$1 n_src n_lists
  n_src=$(awk '/^deb/ { print $4 }' "$dir/sources.list" | sort -u | wc -l)
  n_lists=$(find "$dir/lists" -maxdepth 1 \( -name '*_InRelease' -o -name '*_Release' \) | wc -l)
  [ "$n_lists" -ge "$n_src" ]
}
