#!/usr/bin/env bash
# Boot real guests (vm/run-config.sh, intel config) that break on purpose and
# check the harness reports each one: a real kernel WARN and an oops (LKDTM),
# a panic (sysrq 'c'), a hang (init never powers off; short timeout), plus a
# clean control boot whose KTAP must arrive byte for byte while the kernel
# logs to the console at the same time. Needs the guest kernel (built and
# cached by vm/kernel-build.sh on first use). Prints ok / not ok lines.
#   CONFIG=intel  the configuration to boot
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
CONFIG=${CONFIG:-intel}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

kernel=$(QUIET=1 "$top/vm/kernel-build.sh")
initramfs=$out/base.cpio.gz
OUT=$initramfs SUITE='' QUIET=1 "$top/vm/initramfs.sh" >/dev/null

n=0
failed=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
		[ -f "$out/run.txt" ] && sed 's/^/#   /' "$out/run.txt" | head -n 20
	fi
}

# boot INJECT TIMEOUT CMD: run the config; sets rc, leaves output in run.txt.
boot() {
	rc=0
	KERNEL=$kernel INITRAMFS=$initramfs OUT_DIR=$out QUIET=1 IC_INJECT=$1 \
		TIMEOUT=$2 STALL=${STALL:-} IC_CMD=$3 "$top/vm/run-config.sh" "$CONFIG" >"$out/run.txt" 2>&1 || rc=$?
}
vm_line() { tail -n1 "$out/$CONFIG.ktap"; }

# Control: clean boot; KTAP written line by line while /dev/kmsg gets lines
# too must come out exactly as written, and none of it on the console.
# shellcheck disable=SC2016 # expanded in the guest
cmd='k=$IC_KTAP_DEV; echo "KTAP version 1" >$k; echo "1..50" >$k
i=1; while [ $i -le 50 ]; do echo "ok $i case_$i" >$k; echo "harness-test kmsg $i" >/dev/kmsg; i=$((i + 1)); done'
boot "" 240 "$cmd"
{ echo "KTAP version 1"; echo "1..50"; for i in $(seq 1 50); do echo "ok $i case_$i"; done; } >"$out/want.ktap"
grep -v '^# ' "$out/$CONFIG.ktap" >"$out/got.ktap" || true
[ "$rc" = 0 ] && [ "$(vm_line)" = "# vm: ok clean boot and power-off, suite exit status 0" ]
result $? "clean boot reports '# vm: ok' and exit 0"
cmp -s "$out/want.ktap" "$out/got.ktap"
result $? "KTAP arrives byte for byte on its own port"
! grep -q 'case_1$' "$out/$CONFIG.console" && grep -q 'harness-test kmsg 50' "$out/$CONFIG.console"
result $? "kernel messages stay on the console, KTAP off it"

boot "" 240 'exit 1'
[ "$rc" = 1 ] && vm_line | grep -q '^# vm: ok .*suite exit status 1'
result $? "a failing suite (exit 1) in a healthy guest gives exit 1, vm ok"

boot warn 240 true
[ "$rc" = 3 ] && vm_line | grep -q '^# vm: splat WARNING: .*lkdtm' && grep -q 'cut here' "$out/run.txt"
result $? "real kernel WARN (LKDTM) -> '# vm: splat', excerpt shown, exit 3"

boot oops 240 true
[ "$rc" = 3 ] && vm_line | grep -q '^# vm: splat kernel BUG at' && grep -q 'Oops' "$out/run.txt"
result $? "oops (LKDTM BUG) -> '# vm: splat', exit 3"

boot panic 240 true
[ "$rc" = 3 ] && vm_line | grep -q '^# vm: panic Kernel panic - not syncing: sysrq triggered crash'
result $? "panic (sysrq c) -> '# vm: panic', exit 3"

# A hang is silence: 30 s of it ends the boot long before the 240 s cap
# (a loaded host may take a minute to reach /init, which is not silence).
t0=$(date +%s)
STALL=30 boot hang 240 true
t1=$(date +%s)
[ "$rc" = 3 ] && vm_line | grep -q '^# vm: hang timed out, no power-off' && [ $((t1 - t0)) -lt 200 ]
result $? "hang -> '# vm: hang' after 30 s of silence, well before the cap, exit 3"

boot "" 240 true
rc2=$rc
rc=0
KERNEL=$kernel INITRAMFS=$initramfs OUT_DIR=$out QUIET=1 QEMU_EXTRA="-device no-such-device" \
	TIMEOUT=60 IC_CMD=true "$top/vm/run-config.sh" "$CONFIG" >"$out/run.txt" 2>&1 || rc=$?
[ "$rc2" = 0 ] && [ "$rc" = 3 ] && vm_line | grep -q '^# vm: boot-failure' && grep -q "no-such-device" "$out/run.txt"
result $? "QEMU refusing to start -> '# vm: boot-failure' with QEMU's message, exit 3"

rc=0
"$top/vm/run-config.sh" no-such-config >"$out/run.txt" 2>&1 || rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$out/run.txt")" = 1 ]
result $? "unknown configuration -> one-line error, exit 2"

rc=0
VM_CONFIGS="intel no-such-config" "$top/vm/vm-check.sh" >"$out/run.txt" 2>&1 || rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$out/run.txt")" = 1 ]
result $? "vm-check with an unknown VM_CONFIGS entry -> one-line error, exit 2"

echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
