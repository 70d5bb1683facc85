#!/usr/bin/env bash
# Install what the host needs to build the suite, build a kernel and boot it
# under QEMU. Debian 12 packages only; the kernel source comes from Debian's
# unstable suite, added at a low pin so nothing else on the host upgrades.
# The mirror URI is taken from the system's own apt sources (never hard-coded).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# HOST_DEPS=build: only what building the suite needs (the uAPI headers come
# from the kernel source: its download, headers_install with rsync, and the
# compiler); make calls that before anything else, so the first command on a
# fresh host never runs a tool it has not installed. Default: everything
# (the VMs: QEMU, busybox, debootstrap, the arm64 set; the tests: jq,
# xmllint, and clang with libclang-rt-14-dev for make fuzz).
build_pkgs=(make gcc libc6-dev bc bison flex libelf-dev libssl-dev rsync cpio
	    xz-utils python3 gzip kmod file ca-certificates)
want_pkgs=("${build_pkgs[@]}")
WITH_ARM64=${WITH_ARM64:-1}
if [ "${HOST_DEPS:-all}" != build ]; then
	want_pkgs+=(busybox-static qemu-system-x86 jq
		    libxml2-utils # xmllint: tests/junit-schema.sh
		    debootstrap) # debootstrap: a newer QEMU for qemu_min configs (vm/qemu.sh)
	# make fuzz (tests/fuzz/, run by make check): clang and its libFuzzer
	# and sanitizer runtimes.
	want_pkgs+=(clang libclang-rt-14-dev)
	# The smmuv3 configuration (arm64 guest, real arm-smmu-v3 driver) needs the
	# cross compiler with its static libc, QEMU for arm and an arm64 busybox.
	# CI runs smmuv3, so they are in by default; WITH_ARM64=0 leaves them out.
	[ "$WITH_ARM64" = 1 ] && want_pkgs+=(qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
else
	WITH_ARM64=0
fi

need_root() {
	if [ "$(id -u)" != 0 ]; then
		die "missing packages: $*; run as root or: apt-get install $*"
	fi
}

apt_install_missing "" "${want_pkgs[@]}"

# A static arm64 busybox for the arm64 initramfs: Debian's busybox-static:arm64,
# downloaded and unpacked into the cache (not installed on the host).
if [ "$WITH_ARM64" = 1 ]; then
	bb_dir=$CACHE_DIR/busybox-arm64
	if [ ! -x "$bb_dir/bin/busybox" ]; then
		if ! dpkg --print-foreign-architectures | grep -qx arm64; then
			need_root "busybox-static:arm64 (dpkg --add-architecture arm64)"
			phase "dpkg --add-architecture arm64 (to download busybox-static:arm64)"
			dpkg --add-architecture arm64
			rm -f "$APT_STAMP"
		fi
		apt_update_once
		dl=$(mktemp -d)
		chmod 755 "$dl" # apt-get download drops to the _apt user
		(cd "$dl" && apt-get download -q busybox-static:arm64 >&2) ||
			{ rm -rf "$dl"; die "apt-get download busybox-static:arm64 failed"; }
		rm -rf "$bb_dir.tmp"
		mkdir -p "$bb_dir.tmp"
		dpkg-deb -x "$dl"/busybox-static_*_arm64.deb "$bb_dir.tmp/root"
		mkdir -p "$bb_dir.tmp/bin"
		cp "$bb_dir.tmp/root/bin/busybox" "$bb_dir.tmp/bin/busybox"
		rm -rf "$bb_dir.tmp/root" "$dl" "$bb_dir"
		mv "$bb_dir.tmp" "$bb_dir"
		phase "busybox-static:arm64 in $bb_dir/bin/busybox"
	fi
fi
