#!/usr/bin/env bash
# The kselftest collection in a real guest, as kernel CI runs it: installed
# with `make -C tools/testing/selftests TARGETS=iommu-conformance install`
# (static, for the busybox guest) from the kernel source the project builds,
# booted by vm/run-config.sh, run by the kernel's run_kselftest.sh, read by
# the kernel's kunit.py. Checks:
#   - with no devices named (and only the kernel target asked for) the
#     runner reports "# SKIP", never XFAIL
#   - the full run (mock, and the kernel target on the edus the guest bound
#     to vfio-pci) runs both targets in a healthy guest, fails only on the
#     known findings of vm/known-findings.txt (the mock's as config mock),
#     and run_kselftest.sh's verdict and exit status follow the collection's
#   - kunit.py reads run_kselftest.sh's output and the collection's own
#     KTAP with no warning, and counts what the suite's Totals say
# Prints ok / not ok lines, the guest's times, and "N passed, N failed".
#   CONFIG=intel  the configuration to boot (vm/configs.cfg)
#   REUSE=1       judge the last run's output again, no build, no boot
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$here/../.." && pwd)
. "$TOP/tests/kselftest-lib.sh"
CONFIG=${CONFIG:-intel}
work=$TOP/build/kselftest-vm

ksft_begin
# Install, boot, run: leaves $work/$CONFIG.ktap, .console, .times, run.txt
# and rc.
install_and_boot() {
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
	cat >"$work/ksft-env.sh" <<-'HOOK'
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
}

if [ "${REUSE:-0}" = 1 ]; then
	# Judge the previous run's output again (developing this test).
	rc=$(cat "$work/rc")
else
	rm -rf "$work"
	mkdir -p "$work"
	install_and_boot
	echo "$rc" >"$work/rc"
fi
out=$work/$CONFIG.ktap
console=$work/$CONFIG.console
sed 's/^/# /' "$work/run.txt"
check "guest healthy (# vm: ok)" eval 'tail -n1 "$out" | grep -q "^# vm: ok "'

tr -d '\r' <"$console" >"$work/console.txt"
check "no devices: '# SKIP', never XFAIL, exit 0" eval \
	'grep -qx "ok 1 selftests: iommu-conformance: conformance.sh # SKIP" "$work/console.txt" &&
	 ! grep -q "XFAIL" "$work/console.txt" && grep -qx "ksft-nodev-exit=0" "$work/console.txt"'

ksft_nested "$out" >"$work/nested.ktap"
read -r kp kf ks ke kw < <(kunit_read "$work/nested.ktap")
want=$(ksft_expected "$work/nested.ktap")
echo "# collection KTAP: kunit.py $kp passed, $kf failed, $ks skipped ($ke errors, $kw warnings); the suite's Totals: $want (pass fail skip)"
grep -E '^    # Totals:|^(not )?ok [0-9]+ (mock|kernel)' "$work/nested.ktap" | sed 's/^/#   /'
check "... kunit.py reads the collection's KTAP with no warning" test "$ke $kw" = "0 0"
check "... kunit.py counts = the suite's own" test "$kp $kf $ks" = "$want"
check "... the mock and the kernel target both ran" eval \
	'grep -qxE "(not )?ok 1 mock" "$work/nested.ktap" && grep -qxE "(not )?ok 2 kernel" "$work/nested.ktap"'
check "... no SKIP reason carries a PCI address or a hex number" eval \
	'! grep -E "# SKIP .*([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]|0x[0-9a-f])" "$work/nested.ktap"'
check "... and the machine-specific ones are kept on '# reason:' lines" \
	grep -q "^    # reason: " "$work/nested.ktap"

# Failing cases per target ("mock" or "kernel" and the case ID).
awk '/^    KTAP version/ { t = "" } /^    # Subtest: / { t = $3 }
     /^    not ok [0-9]+ / { print t, $4 }' "$work/nested.ktap" >"$work/failing.txt"
unknown() {
	local t id cfg bad=0
	while read -r t id; do
		cfg=$CONFIG
		[ "$t" = mock ] && cfg=mock
		grep -qE "^${cfg}[[:space:]]+${id}[[:space:]]" "$TOP/vm/known-findings.txt" && continue
		echo "# $t: $id fails and is no known finding of $cfg"
		bad=1
	done <"$work/failing.txt"
	sed 's/^/# known finding: /' "$work/failing.txt"
	[ "$bad" = 0 ]
}
check "... only known findings fail" unknown

# run_kselftest.sh's verdict follows the collection's: not ok and exit 1
# when a case failed, ok and exit 0 otherwise; kunit.py reads it.
if [ -s "$work/failing.txt" ]; then
	line="not ok 1 selftests: iommu-conformance: conformance.sh # exit=1" want_rc=1 want_k="0 1 0 0 0"
else
	line="ok 1 selftests: iommu-conformance: conformance.sh" want_rc=0 want_k="1 0 0 0 0"
fi
check "run_kselftest.sh says '$line', exit $want_rc" eval \
	'grep -qxF "$line" "$out" && [ "$rc" = "$want_rc" ]'
check "... kunit.py reads run_kselftest.sh's output: $want_k (pass fail skip errors warnings)" \
	eval '[ "$(kunit_read "$out")" = "$want_k" ]'
sed 's/^/# times: /' "$work/$CONFIG.times"
finish
