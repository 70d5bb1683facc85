#!/usr/bin/env bash
# The kselftest collection (kselftest/) without a guest, and KTAP as the
# kernel's kunit.py reads it:
#   - the standalone build (make -C kselftest) is warning-free (-Werror)
#   - make -C tools/testing/selftests TARGETS=iommu-conformance install from
#     the kernel source the project builds installs the wrapper, the suite,
#     settings and config, and lists iommu-conformance:conformance.sh
#   - run_kselftest.sh on a machine without the targets reports "# SKIP"
#     (the wrapper's exit 4), never XFAIL, with the reason
#   - run_kselftest.sh on the model target: kunit.py reads the collection's
#     KTAP with no warning and counts what the suite's Totals say
#   - kunit.py reads the model run's KTAP (plain and --stable-reasons) with
#     no warning, counts equal to "# Totals:"; a KTAP with a result line cut
#     out is caught (the check can fail)
# Ends with "N passed, N failed".
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/kselftest-lib.sh"
BIN=${BIN:-$TOP/build/iommu-conformance}
work=$TOP/build/kselftest-test
rm -rf "$work"
mkdir -p "$work"

ksft_begin

# kunit.py on a KTAP file must agree with its "# Totals:" line.
kunit_agrees() { # file what [expected "P F S", default the Totals line]
	local k t
	k=$(kunit_read "$1")
	t=${3:-$(ktap_totals "$1")}
	read -r kp kf ks ke kw <<<"$k"
	read -r tp tf ts <<<"$t"
	if [ "$kw" != 0 ] || [ "$ke" != 0 ]; then
		echo "# $2: kunit.py warned ($kw) or saw errors ($ke):"
		grep -E '\[ERROR\]|WARNING|[Ww]arning:' "$1.kunit" | head -n5 | sed 's/^/#   /'
		return 1
	fi
	if [ "$kp $kf $ks" != "$tp $tf $ts" ]; then
		echo "# $2: kunit.py counts pass/fail/skip $kp/$kf/$ks, Totals say $tp/$tf/$ts"
		return 1
	fi
	echo "# $2: kunit.py $kp passed, $kf failed, $ks skipped = Totals"
}

# --- kunit.py reads the model run ---------------------------------------
"$BIN" run --target model --output "$work/model.ktap" 2>/dev/null
check "kunit.py reads the model run's KTAP, counts = Totals" kunit_agrees "$work/model.ktap" model
"$BIN" run --target model --stable-reasons --output "$work/model-stable.ktap" 2>/dev/null
check "kunit.py reads the --stable-reasons KTAP, counts = Totals" kunit_agrees "$work/model-stable.ktap" model-stable
# The check can fail: one result line cut out.
awk '!done && /^ok [0-9]+ / { done = 1; next } { print }' "$work/model.ktap" >"$work/cut.ktap"
check "a KTAP with a result line cut out is caught" \
	eval '! kunit_agrees "$work/cut.ktap" cut >/dev/null'

# --- the standalone build ------------------------------------------------
standalone() {
	make -C "$TOP/kselftest" OUTPUT="$work/standalone" -j"$(nproc)" >"$work/standalone.log" 2>&1 &&
		[ -x "$work/standalone/iommu-conformance" ] &&
		! grep -i 'warning:' "$work/standalone.log" | head -n5 | sed 's/^/# /' | grep .
}
check "make -C kselftest (standalone) builds without a warning" standalone

# --- installed from the kernel tree --------------------------------------
ksft_tree "$KSRC" "$UAPI_INC" "$work/tree"
inst=$work/install
if ksft_install "$work/tree" "$inst" >"$work/install.log" 2>&1; then
	ok "make -C tools/testing/selftests TARGETS=iommu-conformance install"
else
	not_ok "make -C tools/testing/selftests TARGETS=iommu-conformance install"
	tail -n 15 "$work/install.log" | sed 's/^/# /'
	finish
fi
check "the build in the kernel tree has no warning" eval '! grep -qi "warning:" "$work/install.log"'
check "kselftest-list.txt lists iommu-conformance:conformance.sh" \
	grep -qx 'iommu-conformance:conformance.sh' "$inst/kselftest-list.txt"
check "installed: wrapper, suite, settings, config" eval \
	'[ -x "$inst/iommu-conformance/conformance.sh" ] && [ -x "$inst/iommu-conformance/iommu-conformance" ] &&
	 [ -f "$inst/iommu-conformance/settings" ] && [ -f "$inst/iommu-conformance/config" ]'
check "settings raise the 45 s default timeout" \
	eval '[ "$(sed -n "s/^timeout=//p" "$inst/iommu-conformance/settings")" -gt 45 ]'
# Every option of the collection's config is one the guest kernels set.
config_ok() {
	local opt bad=0
	while read -r opt; do
		case $opt in '' | '#'*) continue ;; esac
		grep -qx "$opt" "$TOP"/vm/kernel-config/*.fragment || {
			echo "# config: $opt is in no vm/kernel-config fragment"
			bad=1
		}
	done <"$TOP/kselftest/config"
	[ "$bad" = 0 ]
}
check "config names only options the project's guest kernels set" config_ok

# --- run_kselftest.sh on this machine ------------------------------------
# The runner writes through /dev/stdout as well: a pipe keeps both in order.
# No devices named and only the kernel target asked for: an environment
# that cannot run, whatever this host offers.
(cd "$inst" && env -u VFIO_SELFTESTS_BDF IOMMU_CONFORMANCE_BDF= \
	KSELFTEST_CONFORMANCE_SH_ARGS=kernel ./run_kselftest.sh) 2>&1 | cat >"$work/skip.out"
rc=${PIPESTATUS[0]}
check "run_kselftest.sh without devices: exit 0" test "$rc" = 0
check "... reported '# SKIP', not XFAIL" \
	grep -qE '^ok 1 selftests: iommu-conformance: conformance.sh # SKIP$' "$work/skip.out"
check "... with the reason" grep -q '^# # SKIP kernel: no devices named$' "$work/skip.out"
check "... and kunit.py reads it: 1 skipped, no warning" \
	eval '[ "$(kunit_read "$work/skip.out")" = "0 0 1 0 0" ]'

(cd "$inst" && KSELFTEST_CONFORMANCE_SH_ARGS=model ./run_kselftest.sh) 2>&1 | cat >"$work/model.out"
rc=${PIPESTATUS[0]}
check "run_kselftest.sh on the model: exit 0, ok" eval \
	'[ "$rc" = 0 ] && grep -qE "^ok 1 selftests: iommu-conformance: conformance.sh$" "$work/model.out"'
ksft_nested "$work/model.out" >"$work/model-nested.ktap"
check "... kunit.py reads the collection's KTAP, counts = the suite's Totals" \
	kunit_agrees "$work/model-nested.ktap" collection "$(ksft_expected "$work/model-nested.ktap")"
finish
