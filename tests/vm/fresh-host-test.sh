#!/usr/bin/env bash
# The README's first command on a fresh Debian 12, not on this already
# provisioned host: a clean bookworm minbase chroot (debootstrap, cached as
# a pristine copy and copied anew for every run) gets only `make` (the one
# thing the README asks for first), then runs the first command's set-up
# path as a new user would: `make` (host packages for the build, Debian's
# kernel source, headers_install, the suite), vm/host-deps.sh (the VM
# packages, clang for make fuzz), `make static` and `make fuzz`. Nothing of the host's packages or cache is
# visible inside. Root only (debootstrap, chroot); skips otherwise.
#   FRESH_KEEP=1  keep the run's chroot for a look afterwards
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../vm/lib.sh"
p=0 f=0
t() { # description command...
	local what=$1
	shift
	if "$@"; then echo "ok $what"; p=$((p + 1)); else echo "not ok $what"; f=$((f + 1)); fi
}
if [ "$(id -u)" != 0 ]; then
	echo "ok fresh host # SKIP needs root (debootstrap, chroot)"
	echo "1 passed, 0 failed"
	exit 0
fi
HOST_DEPS=all "$VM_DIR/host-deps.sh" >/dev/null || exit 2

base=$CACHE_DIR/fresh-bookworm
if [ ! -f "$base/.complete" ]; then
	rm -rf "$base"
	phase "fresh host: debootstrap --variant=minbase bookworm (once; cached in $base)"
	debootstrap --variant=minbase bookworm "$base" "$(debian_mirror_uri)" >"$CACHE_DIR/fresh-debootstrap.log" 2>&1 ||
		{ tail -n 5 "$CACHE_DIR/fresh-debootstrap.log"; echo "not ok debootstrap"; echo "0 passed, 1 failed"; exit 1; }
	touch "$base/.complete"
fi

root=$(mktemp -d /var/tmp/ic-fresh.XXXXXX)
cleanup() {
	for m in dev/pts dev proc sys; do umount "$root/$m" 2>/dev/null; done
	[ "${FRESH_KEEP:-0}" = 1 ] && { echo "# kept $root"; return; }
	rm -rf "$root"
}
trap cleanup EXIT
cp -a "$base/." "$root/"
for m in proc sys dev dev/pts; do mount --bind "/$m" "$root/$m"; done
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
# A fresh machine of this kind, not a bare Debian: the machine image's own
# apt configuration and sources (e.g. how it treats the snapshot mirror's
# Release dates), without anything this project added to them.
cp -a /etc/apt/apt.conf.d/. "$root/etc/apt/apt.conf.d/"
for src in /etc/apt/sources.list /etc/apt/sources.list.d/*; do
	case ${src##*/} in iommu-conformance-* | *.disabled* | *.save) continue ;; esac
	[ -f "$src" ] && cp -a "$src" "$root$src"
done
# The work tree as a fresh clone has it (tracked files, uncommitted edits too).
mkdir -p "$root/repo"
(cd "$TOP_DIR" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 tar -cf - 2>/dev/null) | tar -xf - -C "$root/repo"
in_root() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
log=$TOP_DIR/build/fresh-host.log
mkdir -p "$(dirname "$log")"
: >"$log"

t "the chroot has no compiler and no rsync before (a fresh host)" \
	in_root sh -c '! command -v gcc && ! command -v rsync' >>"$log" 2>&1
phase "fresh host: apt-get install make (the README's prerequisite)"
t "apt-get install make" in_root sh -c 'apt-get update -q && apt-get install -y -q make' >>"$log" 2>&1
phase "fresh host: make (installs the build packages, fetches the kernel source, headers, suite)"
t "make: the suite builds on a fresh host" in_root make -C /repo -j"$(nproc)" >>"$log" 2>&1
t "the suite runs there" in_root /repo/build/iommu-conformance run --target model --filter 'obj.*' >>"$log" 2>&1
phase "fresh host: vm/host-deps.sh (the VM packages)"
t "vm/host-deps.sh installs the VM packages" in_root /repo/vm/host-deps.sh >>"$log" 2>&1
t "make static (the guest's suite)" in_root make -C /repo static >>"$log" 2>&1
t "make fuzz (clang and libclang-rt-14-dev from vm/host-deps.sh)" \
	in_root make -C /repo fuzz >>"$log" 2>&1
[ "$f" = 0 ] || tail -n 20 "$log" | sed 's/^/# /'
echo "$p passed, $f failed"
[ "$f" = 0 ]
