#!/usr/bin/env bash
# Print the path of a kernel source tree to build.
#   KERNEL_SRC=/path  use the user's tree as it is
#   otherwise         Debian's newest linux-source-X.Y (>= 6.12), downloaded
#                     (not installed) and unpacked once into the cache.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ -n "${KERNEL_SRC:-}" ]; then
	[ -f "$KERNEL_SRC/Makefile" ] && [ -d "$KERNEL_SRC/drivers/iommu" ] ||
		die "KERNEL_SRC=$KERNEL_SRC is not a Linux source tree"
	echo "$KERNEL_SRC"
	exit 0
fi

ensure_unstable_suite
[ "$(id -u)" = 0 ] && apt_update_once

# Newest linux-source-X.Y any configured suite offers.
pkg=$(apt-cache search --names-only '^linux-source-[0-9]+\.[0-9]+$' 2>/dev/null |
	awk '{print $1}' | sort -t- -k3,3V | tail -n1)
[ -n "$pkg" ] || die "no linux-source-X.Y package found in the apt sources"
ver=${pkg#linux-source-}
[ "$(printf '%s\n6.12\n' "$ver" | sort -V | head -n1)" = 6.12 ] ||
	die "newest kernel source package is $pkg; at least 6.12 is needed"
debver=$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')
[ "$debver" != "(none)" ] && [ -n "$debver" ] || debver=$(apt-cache madison "$pkg" | awk 'NR==1 {print $3}')

src_dir=$CACHE_DIR/src/$pkg-$debver
if [ ! -f "$src_dir/.unpacked" ]; then
	mkdir -p "$CACHE_DIR/dl" "$src_dir"
	deb=$(ls "$CACHE_DIR/dl/${pkg}_${debver//:/%3a}"_*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		phase "downloading $pkg $debver"
		(cd "$CACHE_DIR/dl" && apt-get download -q "$pkg=$debver" >&2)
		deb=$(ls "$CACHE_DIR/dl/${pkg}_"*.deb | head -n1)
	fi
	phase "unpacking $pkg"
	tmp=$(mktemp -d "$CACHE_DIR/dl/x.XXXXXX")
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards '*.tar.xz'
	tar -xJf "$tmp"/usr/src/"$pkg".tar.xz -C "$src_dir" --strip-components=1
	rm -rf "$tmp"
	touch "$src_dir/.unpacked"
fi
echo "$src_dir"
