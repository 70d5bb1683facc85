#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# iommu-conformance as a kselftest program: runs the suite on each target
# the machine offers and answers in kselftest's terms.
#
#   conformance.sh [mock] [kernel] [model]   (no argument: mock and kernel,
#                                             each if present)
#
#   mock    iommufd's mock driver, when /sys/bus/iommufd_mock exists
#           (CONFIG_IOMMUFD_TEST)
#   kernel  the real IOMMU driver on the PCI devices named in
#           IOMMU_CONFORMANCE_BDF (else VFIO_SELFTESTS_BDF, as the VFIO
#           selftests take them): blank-separated segment:bus:device.function,
#           bound to vfio-pci beforehand
#   model   the suite's reference model (no kernel involved): checks the
#           collection itself on any machine
#
# Environment: IOMMU_CONFORMANCE_ARGS, more `run` options for every target
# (e.g. --explore 150,0); IOMMU_CONFORMANCE_BIN, the suite binary (default:
# iommu-conformance next to this script).
#
# Output: KTAP with one subtest per target, named mock and kernel, each the
# suite's own KTAP indented (case names are the suite's scenario IDs, skip
# reasons machine-independent: --stable-reasons). A target that is absent
# is a skipped subtest. Exit: 0 nothing failed and something ran, 1 a case
# failed (or the suite crashed), 4 (KSFT_SKIP) no target could run, with
# the reason on the last line.
KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

here=$(cd "$(dirname "$0")" && pwd)
bin=${IOMMU_CONFORMANCE_BIN:-$here/iommu-conformance}
bdfs=${IOMMU_CONFORMANCE_BDF-${VFIO_SELFTESTS_BDF:-}}

targets=
for t in "$@"; do
	case $t in
	mock | kernel | model) targets="$targets $t" ;;
	*)
		echo "usage: $0 [mock] [kernel] [model]" >&2
		exit "$KSFT_FAIL"
		;;
	esac
done
[ -n "$targets" ] || targets=" mock kernel"

echo "KTAP version 1"
echo "# iommu-conformance kselftest: targets$targets"
if [ ! -x "$bin" ]; then
	echo "1..0 # SKIP suite binary missing"
	echo "# no executable $bin"
	exit "$KSFT_SKIP"
fi
# shellcheck disable=SC2086 # one word per target
set -- $targets
echo "1..$#"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/iommu-conformance.XXXXXX") || exit "$KSFT_FAIL"
trap 'rm -rf "$tmp"' EXIT

num=0 npass=0 nfail=0 nskip=0 why=
# result NAME ok|fail|skip [REASON]: the target's line in the outer KTAP.
result() {
	num=$((num + 1))
	case $2 in
	ok)
		echo "ok $num $1"
		npass=$((npass + 1))
		;;
	fail)
		echo "not ok $num $1"
		nfail=$((nfail + 1))
		;;
	skip)
		echo "ok $num $1 # SKIP $3"
		nskip=$((nskip + 1))
		why="${why:+$why; }$1: $3"
		;;
	esac
}

# run_target NAME ARGS...: the suite's KTAP as the subtest, streamed.
run_target() {
	name=$1
	shift
	# shellcheck disable=SC2086 # IOMMU_CONFORMANCE_ARGS is a word list
	{
		"$bin" run "$@" --format ktap --stable-reasons \
			${IOMMU_CONFORMANCE_ARGS:-} 2>"$tmp/err"
		echo $? >"$tmp/rc"
	} | awk -v name="$name" '
		{ print "    " $0 }
		NR == 1 { print "    # Subtest: " name }
		{ fflush() }'
	rc=$(cat "$tmp/rc")
	sed "s/^/# $name: /" "$tmp/err"
	case $rc in
	0) result "$name" ok ;;
	1) result "$name" fail ;;
	2)
		# The target would not open (its one-line error is above):
		# the environment, not the driver.
		result "$name" skip "target unavailable"
		;;
	*)
		echo "    # suite exit status $rc"
		result "$name" fail
		;;
	esac
}

for t in "$@"; do
	case $t in
	mock)
		if [ -d /sys/bus/iommufd_mock ]; then
			run_target mock --target mock
		else
			result mock skip "no iommufd_mock bus"
		fi
		;;
	kernel)
		devargs=
		for bdf in $bdfs; do
			devargs="$devargs --device $bdf"
		done
		if [ -z "$devargs" ]; then
			result kernel skip "no devices named"
		elif [ ! -e /dev/iommu ]; then
			result kernel skip "no /dev/iommu"
		else
			# shellcheck disable=SC2086 # one word per option
			run_target kernel --target kernel $devargs
		fi
		;;
	model) run_target model --target model ;;
	esac
done

echo "# Totals: pass:$npass fail:$nfail xfail:0 xpass:0 skip:$nskip error:0"
if [ "$nfail" -gt 0 ]; then
	exit "$KSFT_FAIL"
elif [ "$npass" -gt 0 ]; then
	exit "$KSFT_PASS"
fi
echo "# SKIP $why"
exit "$KSFT_SKIP"
