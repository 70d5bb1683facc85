#!/usr/bin/env bash
# vm/qemu.sh: version comparison, which QEMU a config gets (qemu_min, QEMU=),
# and qemu_run under chroot: IN files copied in, OUT files copied back, the
# per-boot folder gone afterwards, also after a timeout. The chroot part
# needs root and the cached trixie folder (made here if missing, ~35 s).
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
echo "$p passed, $f failed"
[ "$f" = 0 ]
