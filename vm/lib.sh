# Shared helpers for the VM harness scripts (sourced, not run).
# shellcheck shell=bash

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(cd "$VM_DIR/.." && pwd)
# Built kernels, extracted sources and guest images live outside the work tree.
CACHE_DIR=${IOMMU_CONFORMANCE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iommu-conformance}
_t0=${_t0:-$(date +%s)}
export _t0

die() { echo "error: $*" >&2; exit 2; }
elapsed() { local s=$(($(date +%s) - _t0)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }
# QUIET=1 silences progress (vm/run-config.sh in loops, tests).
phase() { [ "${QUIET:-0}" = 1 ] || printf '[%s] %s\n' "$(elapsed)" "$*" >&2; }

APT_STAMP=${CACHE_DIR}/.apt-updated
apt_update_once() {
	mkdir -p "$CACHE_DIR"
	# One update per hour is plenty; CI on a fresh machine always runs it.
	if [ ! -e "$APT_STAMP" ] || [ -n "$(find "$APT_STAMP" -mmin +60 2>/dev/null)" ]; then
		phase "apt-get update"
		apt-get update -q >&2
		touch "$APT_STAMP"
	fi
}

# apt_install_missing PHASE-PREFIX PKG...: apt-get install those of PKG that
# are not installed (root needed only then); the phase line starts with
# PHASE-PREFIX.
apt_install_missing() {
	local prefix=$1 p missing=()
	shift
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	[ "$(id -u)" = 0 ] ||
		die "missing packages: ${missing[*]}; run as root or: apt-get install ${missing[*]}"
	phase "${prefix}apt-get install ${missing[*]}"
	apt_update_once
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

# The mirror URI the system already uses for Debian's main archive.
debian_mirror_uri() {
	local f uri=""
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f")
		[ -n "$uri" ] && break
	done
	if [ -z "$uri" ]; then
		uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		      awk '$1 == "deb" && $2 !~ /security/ && $2 !~ /^\[/ { print $2; exit }
			   $1 == "deb" && $2 ~ /^\[/ && $3 !~ /security/ { print $3; exit }')
	fi
	[ -n "$uri" ] || die "no Debian mirror URI in the system's apt sources"
	echo "$uri"
}

# Add Debian's unstable suite at a pin below 100: packages can be downloaded
# from it by name, but nothing installed ever upgrades from it.
UNSTABLE_LIST=/etc/apt/sources.list.d/iommu-conformance-unstable.sources
UNSTABLE_PIN=/etc/apt/preferences.d/iommu-conformance-unstable
ensure_unstable_suite() {
	if [ -e "$UNSTABLE_LIST" ]; then
		return
	fi
	add_unstable_sources "$UNSTABLE_LIST" deb "Debian unstable (pin 50)" \
		"the kernel source comes from Debian unstable; run as root once, or set KERNEL_SRC=/path/to/linux"
	cat >"$UNSTABLE_PIN" <<PIN
Package: *
Pin: release a=unstable
Pin-Priority: 50
PIN
}

# Source packages of Debian unstable (deb-src, the same mirror): the patched
# QEMU is built from one (vm/qemu-build.sh). Pins do not apply to sources.
UNSTABLE_SRC_LIST=/etc/apt/sources.list.d/iommu-conformance-unstable-src.sources
ensure_unstable_sources() {
	ensure_unstable_suite
	if [ -e "$UNSTABLE_SRC_LIST" ]; then
		return
	fi
	add_unstable_sources "$UNSTABLE_SRC_LIST" deb-src "Debian unstable source packages (deb-src)" \
		"the patched QEMU's source comes from Debian unstable; run as root once, or set QEMU=/path/to/qemu-system-x86_64"
}

# add_unstable_sources FILE TYPE WHAT NOT-ROOT-MESSAGE: as root, FILE lists
# Debian unstable from the system's mirror for apt TYPE (deb or deb-src);
# the next apt use updates.
add_unstable_sources() {
	local file=$1 type=$2 what=$3 not_root=$4 uri
	[ "$(id -u)" = 0 ] || die "$not_root"
	uri=$(debian_mirror_uri)
	phase "adding $what from $uri"
	cat >"$file" <<SRC
Types: $type
URIs: $uri
Suites: unstable
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	rm -f "$APT_STAMP"
}

# The architecture a kernel image is built for, from its boot header:
# x86_64 (bzImage: "HdrS" at 0x202), arm64 (Image: "ARM\x64" at 0x38), or
# "unknown".
image_arch() {
	if [ "$(dd if="$1" bs=1 skip=514 count=4 2>/dev/null)" = HdrS ]; then
		echo x86_64
	elif [ "$(dd if="$1" bs=1 skip=56 count=3 2>/dev/null)" = ARM ]; then
		echo arm64
	else
		echo unknown
	fi
}
