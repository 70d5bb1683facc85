#!/usr/bin/env bash
# Boot one configuration of vm/configs.cfg and judge it.
#   vm/run-config.sh NAME
# Writes OUT_DIR/NAME.console (serial console), OUT_DIR/NAME.ktap (the suite's
# KTAP from the dedicated port, then "# note:" lines and a final
# "# vm: <ok|splat|hang|panic|boot-failure> <detail>") and OUT_DIR/NAME.times.
# Exit: the suite's status (0 passed, 1 a case failed, 2 bad usage) when the
# guest was healthy; 3 on splat, hang, panic or boot failure; 2 on bad input.
#
# Environment (all optional):
#   OUT_DIR=build/vm   KERNEL=bzImage (else vm/kernel-build.sh)
#   INITRAMFS=base.cpio.gz (else vm/initramfs.sh builds one)
#   IC_CMD='shell command'  run this in the guest instead of the suite
#                           (default: the config's cmd)
#   IC_ARGS='run ...'       suite arguments instead of the config's args
#   IC_INJECT=warn|oops|panic|hang   break the guest (tests/vm)
#   TIMEOUT=seconds (cap)  STALL=seconds (silence that counts as a hang)  SMP=n  MEMORY=1G  QEMU_EXTRA='...'  APPEND_EXTRA='...'
#   QUIET=1  no progress on stderr
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$VM_DIR/cfg.sh"

[ $# = 1 ] || die "usage: vm/run-config.sh NAME (one of: $(cfg_names | tr '\n' ' '))"
name=$1
cfg_has "$name" || die "no configuration '$name' in $CONFIGS_CFG (have: $(cfg_names | tr '\n' ' '))"

OUT_DIR=${OUT_DIR:-$TOP_DIR/build/vm}
mkdir -p "$OUT_DIR"
console=$OUT_DIR/$name.console
ktap=$OUT_DIR/$name.ktap
times=$OUT_DIR/$name.times
work=$(mktemp -d "$OUT_DIR/.$name.XXXXXX")
trap 'rm -rf "$work"; qemu_cleanup 2>/dev/null || true' EXIT

# The config's QEMU: the host's, or a newer one run via chroot (vm/qemu.sh).
. "$VM_DIR/qemu.sh"
qemu=""
qemu_select "$name" # sets qemu, QEMU_ROOT, QEMU_VERSION
timeout_s=${TIMEOUT:-$(cfg_get "$name" timeout)}
case $timeout_s in '' | *[!0-9]*) die "timeout '$timeout_s' is not a number of seconds" ;; esac
# A hang is silence, not slowness: no console or KTAP output for stall
# seconds (the whole boot is capped at timeout).
stall_s=${STALL:-$(cfg_get "$name" stall)}
stall_s=${stall_s:-$timeout_s}
case $stall_s in *[!0-9]*) die "stall '$stall_s' is not a number of seconds" ;; esac
[ "$stall_s" -le "$timeout_s" ] || stall_s=$timeout_s

arch=$(cfg_get "$name" arch)
kernel=${KERNEL:-}
if [ -z "$kernel" ]; then
	kernel=$(ARCH=$arch "$VM_DIR/kernel-build.sh")
fi
[ -f "$kernel" ] || die "kernel image $kernel missing"

IC_CMD=${IC_CMD:-$(cfg_get "$name" cmd)}
base=${INITRAMFS:-}
if [ -z "$base" ]; then
	base=$work/base.cpio.gz
	suite_def=$TOP_DIR/build-static/iommu-conformance
	[ "$arch" = x86_64 ] || suite_def=$TOP_DIR/build-static-$arch/iommu-conformance
	suite=${SUITE-$suite_def}
	if [ ! -x "$suite" ] && [ -n "${IC_CMD:-}" ]; then
		suite=""
	fi
	if [ -n "$suite" ] && [ -x "$suite" ] &&
		[ -n "$(find "$TOP_DIR/src" -name '*.[ch]' -newer "$suite" -print -quit 2>/dev/null)" ]; then
		phase "warning: $suite is older than src/; run 'make static' for the current suite"
	fi
	ARCH=$arch OUT=$base SUITE=$suite "$VM_DIR/initramfs.sh" >/dev/null
fi
[ -f "$base" ] || die "initramfs $base missing"

# Per-boot settings travel as a second cpio archive holding /etc/ic/run.conf;
# the kernel unpacks both archives into the same rootfs.
args=${IC_ARGS:-$(cfg_get "$name" args)}
args=${args//@CONFIG@/$name}
mkdir -p "$work/root/etc/ic"
for pair in $(cfg_get "$name" files); do
	from=${pair%%:*}
	to=${pair#*:}
	if [ "$from" = "$pair" ] || [ -z "$to" ]; then
		die "$name: files entry '$pair' is not host-path:guest-path"
	fi
	case $from in /*) ;; *) from=$TOP_DIR/$from ;; esac
	[ -e "$from" ] || die "$name: files entry: no such file $from"
	mkdir -p "$work/root/$(dirname "$to")"
	cp -a "$from" "$work/root/$to"
done
{
	printf 'IC_NAME=%q\n' "$name"
	printf 'IC_ARGS=%q\n' "$args"
	printf 'IC_CMD=%q\n' "${IC_CMD:-}"
	printf 'IC_INJECT=%q\n' "${IC_INJECT:-}"
	printf 'IC_KTAP_DEV=%q\n' "$(cfg_get "$name" ktap_dev)"
	printf 'IC_SHARED_GROUP=%q\n' "$(cfg_get "$name" shared_group)"
} >"$work/root/etc/ic/run.conf"
(cd "$work/root" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) |
	gzip >"$work/run.cpio.gz"
cat "$base" "$work/run.cpio.gz" >"$work/initrd"

append="$(cfg_get "$name" base_cmdline) $(cfg_get "$name" cmdline) ${APPEND_EXTRA:-}"
# The config's QEMU arguments are word lists; commas belong to QEMU options.
# shellcheck disable=SC2206,SC2207,SC2054
qemu_args=(-M "$(cfg_get "$name" machine)" -accel "$(cfg_get "$name" accel)"
	   -cpu "$(cfg_get "$name" cpu)" -smp "${SMP:-$(cfg_get "$name" smp)}"
	   -m "${MEMORY:-$(cfg_get "$name" memory)}"
	   -nographic -no-reboot -monitor none
	   -kernel "$kernel" -initrd "$work/initrd" -append "$append"
	   -serial "file:$console"
	   -chardev "file,id=ktap,path=$work/ktap.raw" $(cfg_get "$name" ktap)
	   $(cfg_get "$name" viommu) $(cfg_get "$name" devices) ${QEMU_EXTRA:-})
echo "$qemu ${qemu_args[*]}" >"$work/cmdline"

phase "vm $name: booting (hung after ${stall_s}s of silence, ${timeout_s}s at most)"
t0=$(date +%s.%N)
set +e
# shellcheck disable=SC2034 # both read by qemu_watch (vm/qemu.sh)
QEMU_LIVE=$OUT_DIR/$name.live QEMU_LONGEST_SILENCE=0
qemu_run "$timeout_s $stall_s" "$kernel $work/initrd" "$console $work/ktap.raw" "${qemu_args[@]}" </dev/null >"$work/qemu.out" 2>"$work/qemu.err"
qstatus=$?
set -e
t1=$(date +%s.%N)
wall=$(echo "$t1 - $t0" | bc)

scan_opts=()
if [ "$qstatus" = 124 ] || [ "$qstatus" = 137 ]; then
	scan_opts+=(--timed-out)
else
	scan_opts+=(--qemu-status "$qstatus")
fi
set +e
verdict=$("$VM_DIR/console-scan.sh" "${scan_opts[@]}" "$console")
set -e
# QEMU's own complaints (bad option, device model abort) belong in the log.
if [ -s "$work/qemu.err" ]; then
	sed 's/^/qemu: /' "$work/qemu.err" >>"$console"
fi
vm_line=$(echo "$verdict" | head -n1)
vm_status=${vm_line%% *}

{
	[ -f "$work/ktap.raw" ] && tr -d '\r' <"$work/ktap.raw"
	note=$(cfg_get "$name" note)
	[ -n "$note" ] && echo "# note: $note"
	if [ -n "${QEMU_PATCHED:-}" ]; then
		echo "# note: qemu $QEMU_VERSION built by vm/qemu-build.sh with patches $(sed -n 's/.*patches=\([^ ]*\).*/\1/p' "${qemu%/bin/*}/.ic-ready")"
	fi
	[ -n "${IC_INJECT:-}" ] && echo "# note: fault injected on purpose: ic.inject=$IC_INJECT"
	layout=$(tr -d '\r' <"$console" | sed -n 's/^ic: group-layout //p' | head -n1)
	case $layout in
	ok* | none* | "") ;;
	*) echo "# note: iommu group layout $layout" ;;
	esac
	if [ "$vm_status" = boot-failure ] && [ -s "$work/qemu.err" ]; then
		echo "# note: qemu: $(tail -n1 "$work/qemu.err" | cut -c1-200)"
	fi
	echo "# vm: $vm_line"
} >"$ktap.tmp"
mv "$ktap.tmp" "$ktap"

c=$(tr -d '\r' <"$console")
up_start=$(echo "$c" | sed -n 's/^ic: suite start uptime=\([0-9.]*\).*/\1/p' | head -n1)
up_end=$(echo "$c" | sed -n 's/^ic: suite end uptime=\([0-9.]*\).*/\1/p' | head -n1)
suite_status=$(echo "$c" | sed -n 's/^ic: suite end .* exit=\([0-9]*\).*/\1/p' | head -n1)
printf 'wall=%s boot_to_suite=%s suite_end=%s vm=%s suite_exit=%s longest_silence=%s stall=%s\n' \
	"$wall" "${up_start:-?}" "${up_end:-?}" "$vm_status" "${suite_status:-?}" \
	"$QEMU_LONGEST_SILENCE" "$stall_s" >"$times"

printf 'vm %s: %s (%.1fs wall, suite exit %s; longest silence %ss of the %ss hang budget)\n' \
	"$name" "$vm_line" "$wall" "${suite_status:-?}" "$QEMU_LONGEST_SILENCE" "$stall_s"
if [ "$vm_status" != ok ]; then
	echo "$verdict" | tail -n +2
	[ -s "$work/qemu.err" ] && sed 's/^/    qemu: /' "$work/qemu.err"
	echo "    (console: $console)"
	exit 3
fi
exit "${suite_status:-2}"
