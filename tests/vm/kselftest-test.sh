#!/usr/bin/env bash
# The kselftest collection in a real guest, as kernel CI runs it: installed
# with `make -C tools/testing/selftests TARGETS=iommu-conformance install`
# (static, for the busybox guest) from the kernel source the project builds,
# booted by vm/run-config.sh, run by the kernel's run_kselftest.sh, read by
# the kernel's kunit.py. Checks:
#   - with no devices named (and only the kernel target asked for) the
#     runner reports "# SKIP", never XFAIL
#   - the full run (mock, and the kernel target on the edus the guest bound
#     to vfio-pci) passes in a healthy guest
#   - kunit.py reads run_kselftest.sh's output and the collection's own
#     KTAP with no warning, and counts what the suite's Totals say
# Prints ok / not ok lines, the guest's times, and "N passed, N failed".
#   CONFIG=intel  the configuration to boot (vm/configs.cfg)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$here/../.." && pwd)
. "$TOP/tests/kselftest-lib.sh"
CONFIG=${CONFIG:-intel}
work=$TOP/build/kselftest-vm
rm -rf "$work"
mkdir -p "$work"

npass=0 nfail=0
ok() { echo "ok $*"; npass=$((npass + 1)); }
not_ok() { echo "not ok $*"; nfail=$((nfail + 1)); }
check() { # description command...
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {
	echo "$npass passed, $nfail failed"
	[ "$nfail" = 0 ]
	exit
}

if ! ksft_sources; then
	not_ok "kernel source, uAPI headers and kunit.py found (vm/kernel-source.sh)"
	finish
fi
ksft_tree "$KSRC" "$UAPI_INC" "$work/tree"
inst=$work/install
if ! ksft_install "$work/tree" "$inst" USERLDFLAGS=-static >"$work/install.log" 2>&1; then
	not_ok "the collection installs (static)"
	tail -n 15 "$work/install.log" | sed 's/^/# /'
	finish
fi
ok "the collection installs (static)"

# What kselftest's runner takes for granted and the busybox guest lacks:
# `timeout --foreground` (busybox's timeout has no such option; a wrapper
# drops it) and /dev/stdout (the runner appends to it; devtmpfs has no such
# link, and without it the programs' output would land in a plain file).
cat >"$work/ksft-env.sh" <<'HOOK'
rm -f /usr/bin/timeout
printf '#!/bin/sh\n[ "$1" = --foreground ] && shift\nexec /bin/busybox timeout "$@"\n' >/usr/bin/timeout
chmod 755 /usr/bin/timeout
for fd in 0:stdin 1:stdout 2:stderr; do
	[ -e "/dev/${fd#*:}" ] || ln -s "/proc/self/fd/${fd%%:*}" "/dev/${fd#*:}"
done
HOOK
kernel=$(QUIET=1 "$TOP/vm/kernel-build.sh") || {
	not_ok "guest kernel (vm/kernel-build.sh)"
	finish
}
OUT=$work/initramfs.cpio.gz SUITE='' QUIET=1 \
	EXTRA="$inst:/kselftest $work/ksft-env.sh:/etc/ic/pre.d/ksft-env.sh" \
	"$TOP/vm/initramfs.sh" >/dev/null

# First the environment that cannot run (its output on the console), then
# the real run with the edus the guest bound (its output on the KTAP port).
# shellcheck disable=SC2016 # expanded in the guest
cmd='cd /kselftest && KSELFTEST_CONFORMANCE_SH_ARGS=kernel IOMMU_CONFORMANCE_BDF= ./run_kselftest.sh; echo "ksft-nodev-exit=$?"; IOMMU_CONFORMANCE_BDF="$IC_DEVICES" ./run_kselftest.sh >"$IC_KTAP_DEV" 2>&1'
# shellcheck disable=SC2034 # rc is read in an eval below
rc=0
KERNEL=$kernel INITRAMFS=$work/initramfs.cpio.gz OUT_DIR=$work QUIET=1 \
	IC_CMD=$cmd "$TOP/vm/run-config.sh" "$CONFIG" >"$work/run.txt" 2>&1 || rc=$?
out=$work/$CONFIG.ktap
console=$work/$CONFIG.console
sed 's/^/# /' "$work/run.txt"
check "guest healthy, run_kselftest.sh exit 0" eval '[ "$rc" = 0 ] && tail -n1 "$out" | grep -q "^# vm: ok "'

tr -d '\r' <"$console" >"$work/console.txt"
check "no devices: '# SKIP', never XFAIL, exit 0" eval \
	'grep -qx "ok 1 selftests: iommu-conformance: conformance.sh # SKIP" "$work/console.txt" &&
	 ! grep -q "XFAIL" "$work/console.txt" && grep -qx "ksft-nodev-exit=0" "$work/console.txt"'
check "the full run passes: ok 1 selftests: iommu-conformance: conformance.sh" \
	grep -qx "ok 1 selftests: iommu-conformance: conformance.sh" "$out"
check "... kunit.py reads run_kselftest.sh's output: 1 passed, no warning" \
	eval '[ "$(kunit_read "$out")" = "1 0 0 0 0" ]'

ksft_nested "$out" >"$work/nested.ktap"
read -r kp kf ks ke kw < <(kunit_read "$work/nested.ktap")
want=$(ksft_expected "$work/nested.ktap")
echo "# collection KTAP: kunit.py $kp passed, $kf failed, $ks skipped ($ke errors, $kw warnings); the suite's Totals: $want (pass fail skip)"
grep -E '^    # Totals:|^(not )?ok [0-9]+ (mock|kernel)' "$work/nested.ktap" | sed 's/^/#   /'
check "... kunit.py reads the collection's KTAP with no warning" test "$ke $kw" = "0 0"
check "... kunit.py counts = the suite's own" test "$kp $kf $ks" = "$want"
check "... the mock and the kernel target both ran" eval \
	'grep -qx "ok 1 mock" "$work/nested.ktap" && grep -qx "ok 2 kernel" "$work/nested.ktap"'
sed 's/^/# times: /' "$work/$CONFIG.times"
finish
