#!/usr/bin/env bash
# Side by side: our suite on the mock target and the kernel's own iommufd
# selftest (tools/testing/selftests/iommu/iommufd.c), in the same mock guest
# boot, from the same kernel source tree. Prints figures, asserts nothing.
#
#   bench/selftest-compare.sh            build what is missing, boot, compare
#   bench/selftest-compare.sh --no-boot  compare the last run's files again
#
# The selftest is compiled at run time from the kernel source tree (never
# copied into this repository), statically, into
# $CACHE_DIR/selftest/<key>/iommufd; it needs libcap-dev.
# Environment: OUT_DIR (default build/bench), KERNEL, SUITE (a static suite
# binary, default build-static/iommu-conformance), CONFIG (default mock).
set -euo pipefail
. "$(dirname "$0")/../vm/lib.sh"

OUT_DIR=${OUT_DIR:-$TOP_DIR/build/bench}
CONFIG=${CONFIG:-mock}
SUITE=${SUITE:-$TOP_DIR/build-static/iommu-conformance}
boot=1
[ "${1:-}" = --no-boot ] && boot=0
mkdir -p "$OUT_DIR"

build_selftest() {
	local src hdr key dir c
	src=$("$VM_DIR/kernel-source.sh")
	hdr=$("$VM_DIR/uapi-headers.sh" | sed -n 's/^UAPI_INC := //p')
	c=$src/tools/testing/selftests/iommu/iommufd.c
	[ -f "$c" ] || die "$c missing: kernel source too old for the iommufd selftest"
	key=$(basename "$src")-$(cat "$c" "${c%/*}/iommufd_utils.h" \
		"$src/tools/testing/selftests/kselftest_harness.h" \
		"$src/drivers/iommu/iommufd/iommufd_test.h" | sha1sum | cut -c1-12)
	dir=$CACHE_DIR/selftest/$key
	if [ ! -x "$dir/iommufd" ]; then
		[ -f /usr/include/sys/capability.h ] ||
			die "no sys/capability.h: apt-get install libcap-dev"
		phase "building the kernel's iommufd selftest ($key)"
		mkdir -p "$dir"
		gcc -static -O2 -Wall -Wno-unused-function -D_GNU_SOURCE \
			-isystem "$hdr" -I"$src/tools/testing/selftests" \
			-o "$dir/iommufd.tmp" "$c" -lcap >"$dir/build.log" 2>&1 ||
			die "selftest build failed, see $dir/build.log"
		mv "$dir/iommufd.tmp" "$dir/iommufd"
	fi
	echo "$dir/iommufd"
}

if [ "$boot" = 1 ]; then
	selftest=$(build_selftest)
	if [ ! -x "$SUITE" ]; then
		phase "make static"
		make -s -C "$TOP_DIR" static >&2
	fi
	initrd=$OUT_DIR/selftest-compare.cpio.gz
	OUT=$initrd SUITE=$SUITE \
		EXTRA="$selftest:/bin/iommufd-selftest $TOP_DIR/bench/selftest-guest.sh:/etc/ic/post.d/50-iommufd-selftest.sh" \
		"$VM_DIR/initramfs.sh" >/dev/null
	set +e
	OUT_DIR=$OUT_DIR INITRAMFS=$initrd "$VM_DIR/run-config.sh" "$CONFIG" >&2
	echo "vm exit status $?" >&2
	set -e
fi

console=$OUT_DIR/$CONFIG.console
ktap=$OUT_DIR/$CONFIG.ktap
if [ ! -f "$console" ] || [ ! -f "$ktap" ]; then
	die "no $console / $ktap: run without --no-boot"
fi
c=$(tr -d '\r' <"$console")

# --- figures -------------------------------------------------------------

totals() { # "pass fail skip" from a "# Totals:" line on stdin
	sed -n 's/.*# Totals: pass:\([0-9]*\) fail:\([0-9]*\) xfail:[0-9]* xpass:[0-9]* skip:\([0-9]*\) error:\([0-9]*\).*/\1 \2 \3 \4/p' | tail -n1
}
uptime_of() { # marker -> uptime
	echo "$c" | sed -n "s/^ic: $1 uptime=\([0-9.]*\).*/\1/p" | head -n1
}
span() {
	if [ -n "$1" ] && [ -n "$2" ]; then
		printf '%.2f' "$(echo "$2 - $1" | bc)"
	else
		echo "?"
	fi
}

read -r o_pass o_fail o_skip o_err <<<"$(totals <"$ktap")" || true
s_tap=$(echo "$c" | sed -n 's/^ic-selftest: //p')
read -r s_pass s_fail s_skip s_err <<<"$(echo "$s_tap" | totals)" || true
o_wall=$(span "$(uptime_of 'suite start')" "$(uptime_of 'suite end')")
s_wall=$(span "$(uptime_of 'selftest start')" "$(uptime_of 'selftest end')")
o_n=$(( ${o_pass:-0} + ${o_fail:-0} + ${o_skip:-0} + ${o_err:-0} ))
s_n=$(( ${s_pass:-0} + ${s_fail:-0} + ${s_skip:-0} + ${s_err:-0} ))

echo "# side by side in one '$CONFIG' guest boot ($(sed -n 's/^# vm: //p' "$ktap" | head -n1))"
printf '%-28s %6s %6s %6s %6s %10s\n' suite cases pass fail skip "wall (s)"
printf '%-28s %6s %6s %6s %6s %10s\n' "iommu-conformance (mock)" "$o_n" \
	"${o_pass:-?}" "${o_fail:-?}" "${o_skip:-?}" "$o_wall"
printf '%-28s %6s %6s %6s %6s %10s\n' "kernel selftest iommufd" "$s_n" \
	"${s_pass:-?}" "${s_fail:-?}" "${s_skip:-?}" "$s_wall"
echo "(wall: guest uptime between the start and end markers; the selftest's"
echo " TAP goes to tmpfs and is printed afterwards, ours streams to a serial port;"
echo " $(echo "$c" | sed -n 's/^ic: \(selftest hugepages=.*\)/\1/p' | head -n1) for the selftest)"

# --- coverage ------------------------------------------------------------

# Which of our invariants each selftest TEST_F exercises. Approximate, by
# reading the test bodies once (7.2): a test that touches an invariant's
# rule in passing counts. "-" = nothing in the contract (VFIO type1
# compat, in-kernel accesses, vIOMMU objects, dmabuf, fork, rlimit).
map='
iommufd.simple_close                        -
iommufd.cmd_fail                            OBJ-2 OBJ-4
iommufd.cmd_length                          OBJ-1
iommufd.cmd_ex_fail                         OBJ-3 OBJ-4
iommufd.global_options                      -
change_process.basic                        -
iommufd_ioas.ioas_auto_destroy              -
iommufd_ioas.ioas_destroy                   OBJ-5 OBJ-9
iommufd_ioas.alloc_hwpt_nested              NEST-1 NEST-2 HWPT-1 HWPT-3
iommufd_ioas.hwpt_attach                    ATTACH-1 HWPT-5 OBJ-6
iommufd_ioas.ioas_area_destroy              OBJ-5
iommufd_ioas.ioas_area_auto_destroy         -
iommufd_ioas.get_hw_info                    OBJ-11
iommufd_ioas.area                           IOAS-3 IOAS-6 IOAS-7 IOAS-8
iommufd_ioas.unmap_fully_contained_areas    IOAS-6 IOAS-8
iommufd_ioas.area_auto_iova                 IOAS-5
iommufd_ioas.reserved_overflow              IOAS-11
iommufd_ioas.area_allowed                   RANGE-4 RANGE-5 IOAS-4
iommufd_ioas.copy_area                      IOAS-9
iommufd_ioas.iova_ranges                    RANGE-1 RANGE-2 RANGE-3 RANGE-6
iommufd_ioas.ioas_option_huge_pages         IOAS-13
iommufd_ioas.ioas_iova_alloc                IOAS-5
iommufd_ioas.ioas_align_change              IOAS-2 IOAS-13
iommufd_ioas.copy_sweep                     IOAS-9 IOAS-10
iommufd_mock_domain.basic                   DMA-1 ATTACH-12
iommufd_mock_domain.ro_unshare              IOAS-1
iommufd_mock_domain.all_aligns              DMA-1 IOAS-2
iommufd_mock_domain.all_aligns_copy         DMA-9
iommufd_mock_domain.user_copy               DMA-9
iommufd_mock_domain.replace                 ATTACH-3 ATTACH-5 OBJ-8
iommufd_mock_domain.alloc_hwpt              HWPT-1 HWPT-5 OBJ-6
iommufd_dirty_tracking.enforce_dirty        HWPT-2
iommufd_dirty_tracking.set_dirty_tracking   DIRTY-1
iommufd_dirty_tracking.pasid_set_dirty_tracking DIRTY-1
iommufd_dirty_tracking.device_dirty_capability  OBJ-11 HWPT-2
iommufd_dirty_tracking.get_dirty_bitmap     DIRTY-2
iommufd_dirty_tracking.get_dirty_bitmap_no_clear DIRTY-3
iommufd_viommu.viommu_negative_tests        NEST-1
iommufd_viommu.viommu_alloc_nested_iopf     NEST-1
iommufd_device_pasid.pasid_attach           PASID-1 PASID-2 PASID-3 PASID-4 PASID-5 PASID-7 PASID-9
'
# Selftest cases that ran (not skipped), as fixture.test (variant dropped).
s_ran_tests=$(echo "$s_tap" | grep -E '^(not )?ok [0-9]+ ' | grep -v '# SKIP' |
	awk '{ n = ($1 == "not") ? $4 : $3; k = split(n, p, "."); print p[1] "." p[k] }' |
	sort -u)
s_inv=$(echo "$map" | while read -r t invs; do
	[ -n "$t" ] || continue
	echo "$s_ran_tests" | grep -qxF "$t" && for i in $invs; do [ "$i" = - ] || echo "$i"; done
done | sort -u)
# Ours: the roll-up after the last result line, IDs that passed or failed.
o_inv=$(awk '/^(not )?ok [0-9]+ / { n = NR } { l[NR] = $0 }
	END { for (i = n + 1; i <= NR; i++) print l[i] }' "$ktap" |
	sed -n 's/^# invariant \([A-Z0-9-]*\) \(pass\|fail\)$/\1/p' | sort -u)
unmapped=$(echo "$s_ran_tests" | while read -r t; do
	[ -n "$t" ] || continue
	echo "$map" | awk -v t="$t" '$1 == t { f = 1 } END { exit !f }' || echo "$t"
done)

echo
echo "# invariants (approximate: the selftest side comes from a hand-made table"
echo "#  of its TEST_F names in bench/selftest-compare.sh)"
echo "ours on $CONFIG, checked (pass or fail): $(echo "$o_inv" | grep -c . || true)"
echo "selftest, by the table, in cases that ran: $(echo "$s_inv" | grep -c . || true)"
echo "ours, not the selftest's: $(comm -23 <(echo "$o_inv") <(echo "$s_inv") | tr '\n' ' ')"
echo "selftest's, not ours on $CONFIG: $(comm -13 <(echo "$o_inv") <(echo "$s_inv") | tr '\n' ' ')"
if [ -n "$unmapped" ]; then
	echo "selftest tests that ran with no contract counterpart or no table row:"
	echo "$unmapped" | tr '\n' ' ' | fold -s -w 78 | sed 's/^/  /'
	echo
fi
