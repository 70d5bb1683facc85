#!/usr/bin/env bash
# vm/qemu.sh: version comparison, which QEMU a config gets (qemu_min, QEMU=,
# qemu_patches), and qemu_run under chroot: IN files copied in, OUT files
# copied back, the per-boot folder gone afterwards, also after a timeout.
# The chroot part needs root and the cached trixie folder (made here if
# missing, ~35 s). vm/qemu-build.sh: the cache key follows the patch
# selection; a cached patched QEMU is looked up within 5 s (not built here:
# a cold build takes 10-40 min; make vm-check builds it).
# Prints "ok N ..." / "not ok N ..." and "N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../vm/lib.sh"
. "$VM_DIR/cfg.sh"
. "$VM_DIR/qemu.sh"

n=0 p=0 f=0
t() { # description, then a command that must succeed
	local d=$1
	shift
	n=$((n + 1))
	if "$@" >/dev/null 2>&1; then
		echo "ok $n $d"
		p=$((p + 1))
	else
		echo "not ok $n $d"
		f=$((f + 1))
	fi
}
not() { ! "$@"; }

t "version_ge 10.0.13 10.0" version_ge 10.0.13 10.0
t "version_ge 10.0 10.0" version_ge 10.0 10.0
t "not version_ge 7.2.22 10.0" not version_ge 7.2.22 10.0
t "version_ge 10.1 9.2" version_ge 10.1 9.2
t "package of qemu-system-x86_64" test "$(qemu_package qemu-system-x86_64)" = qemu-system-x86
t "package of qemu-system-aarch64" test "$(qemu_package qemu-system-aarch64)" = qemu-system-arm

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/c.cfg" <<'EOF'
[defaults]
qemu = qemu-system-x86_64
qemu_min =
[old-ok]
qemu_min = 1.0
[needs-new]
qemu_min = 10.0
EOF
export CONFIGS_CFG=$tmp/c.cfg
host=$(command -v qemu-system-x86_64)
hostver=$(qemu_version "$host")
sel() { # config, then "host"|"chroot"
	(
		export QUIET=1
		qemu_select "$1" 2>/dev/null || exit 1
		if [ "$2" = host ]; then [ -z "$QEMU_ROOT" ]; else [ -n "$QEMU_ROOT" ]; fi
	)
}
t "no qemu_min: the host's QEMU" sel defaults host
t "qemu_min 1.0: the host's QEMU" sel old-ok host
t "QEMU= overrides qemu_min" env QEMU="$host" bash -c ". '$VM_DIR/lib.sh'; . '$VM_DIR/cfg.sh'; . '$VM_DIR/qemu.sh'; qemu_select needs-new; [ -z \"\$QEMU_ROOT\" ] && [ \"\$qemu\" = '$host' ]"

if version_ge "${hostver:-0}" 10.0; then
	echo "# host QEMU $hostver is new enough: no chroot to test"
elif [ "$(id -u)" != 0 ]; then
	echo "# not root: chroot part not tested"
else
	t "qemu_min 10.0 on a $hostver host: trixie chroot" sel needs-new chroot
	(
		export QUIET=1
		qemu_select needs-new
		echo "$QEMU_ROOT" >"$tmp/root"
		: >"$tmp/in-$$.cfg"
		# -M none idles until the timeout; the serial file is the OUT.
		qemu_run 3 "$tmp/in-$$.cfg" "$tmp/out.serial" -M none -nographic \
			-monitor none -readconfig "$tmp/in-$$.cfg" \
			-serial "file:$tmp/out.serial"
		echo $? >"$tmp/status"
	)
	root=$(cat "$tmp/root" 2>/dev/null)
	t "chroot run: timeout status 124" test "$(cat "$tmp/status" 2>/dev/null)" = 124
	t "chroot run: OUT file copied back" test -e "$tmp/out.serial"
	t "chroot run: per-boot folder removed after the timeout" \
		test -z "$(find "$root/ic-run" -name "1.in-$$.cfg" 2>/dev/null)"
fi
# The patched QEMU (vm/qemu-build.sh): keys, selection, cached lookup.
key() { QEMU_PATCHES=$1 PRINT_KEY=1 "$VM_DIR/qemu-build.sh" 2>/dev/null; }
all_numbers=$(cd "$VM_DIR/qemu-patches" && ls ./*.patch | cut -c3-6 | tr '\n' ' ')
t "qemu-build: a key per patch selection" test "$(key all)" != "$(key "0001 0002")"
t "qemu-build: 'all' is every patch" test "$(key all)" = "$(key "$all_numbers")"
t "qemu-build: an unknown patch number is refused" not env QEMU_PATCHES=9999 PRINT_KEY=1 "$VM_DIR/qemu-build.sh"
printf '[patched]\nqemu_patches = all\n' >>"$tmp/c.cfg"
pbin=$CACHE_DIR/qemu/$(key all)/bin/qemu-system-x86_64
if [ -x "$pbin" ]; then
	t "qemu_patches = all: the cached patched QEMU" env QUIET=1 PBIN="$pbin" VM_DIR="$VM_DIR" bash -c '. "$VM_DIR/lib.sh"; . "$VM_DIR/cfg.sh"; . "$VM_DIR/qemu.sh"; qemu_select patched; [ "$qemu" = "$PBIN" ] && [ "$QEMU_PATCHED" = all ] && [ -z "$QEMU_ROOT" ]'
	t "qemu_patches: the binary has edu-pasid" bash -c '"$0" -device help | grep -q "\"edu-pasid\""' "$pbin"
else
	echo "# patched QEMU not built yet (make vm-check builds it): lookup not tested"
fi
echo "$p passed, $f failed"
[ "$f" = 0 ]
