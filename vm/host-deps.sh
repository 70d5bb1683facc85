#!/usr/bin/env bash
# Install what the host needs to build the suite, build a kernel and boot it
# under QEMU. Debian 12 packages only; the kernel source comes from Debian's
# unstable suite, added at a low pin so nothing else on the host upgrades.
# The mirror URI is taken from the system's own apt sources (never hard-coded).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

want_pkgs=(make gcc libc6-dev bc bison flex libelf-dev libssl-dev rsync cpio
	   xz-utils busybox-static qemu-system-x86 python3 gzip kmod file
	   debootstrap) # debootstrap: a newer QEMU for qemu_min configs (vm/qemu.sh)
[ "${WITH_ARM64:-0}" = 1 ] && want_pkgs+=(qemu-system-arm gcc-aarch64-linux-gnu)

need_root() {
	if [ "$(id -u)" != 0 ]; then
		die "missing packages: $*; run as root or: apt-get install $*"
	fi
}

missing=()
for p in "${want_pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	need_root "${missing[@]}"
	phase "apt-get install ${missing[*]}"
	apt_update_once
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
