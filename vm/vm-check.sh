#!/usr/bin/env bash
# make vm-check: build (or reuse) the guest kernel, the static suite and the
# initramfs, boot every configuration of vm/configs.cfg and print the matrix.
#   VM_CONFIGS="intel amd"  only these configurations (default: all)
#   VM_HANG_RETRIES=N       boots after a hang (default 1, 0: none); a
#                           splat or panic is never retried
#   VM_PROGRESS=S           seconds between progress lines (default 20)
#   VM_JOBS=N               guests booted at once (default 4: the guests
#                           mostly wait on edu's 100 ms DMA timer)
#   VM_SMP=N                vCPUs per guest (default: the config's smp)
#   OUT_DIR=build/vm        where NAME.{console,ktap,times,out} go, and the
#                           matrix: summary.json, matrix.html (one
#                           self-contained page; tests/html-matrix.sh)
#   MATRIX_BIN=path         the binary whose "matrix" subcommand is used
# Exit 0 when every configuration booted cleanly and nothing FAILed; 1 when
# a case failed or a guest splatted, hung, panicked or did not boot.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$VM_DIR/cfg.sh"

OUT_DIR=${OUT_DIR:-$TOP_DIR/build/vm}

# The file first: cfg.sh's awk skips a stray line, takes the last of a
# repeated key and reads a misspelt key as unset; the suite's reader
# (`iommu-conformance configs`, src/cli/configs.c) refuses all of them.
cfg_bin=${MATRIX_BIN:-$TOP_DIR/build/iommu-conformance}
if [ -x "$cfg_bin" ]; then
	"$cfg_bin" configs "$CONFIGS_CFG" >/dev/null || die "$CONFIGS_CFG does not read cleanly (above)"
fi
VM_JOBS=${VM_JOBS:-4}
case $VM_JOBS in '' | *[!0-9]* | 0) die "VM_JOBS=$VM_JOBS is not a positive number" ;; esac

if [ -n "${VM_CONFIGS:-}" ]; then
	read -r -a configs <<<"$VM_CONFIGS"
	for c in "${configs[@]}"; do
		cfg_has "$c" || die "VM_CONFIGS: no configuration '$c' (have: $(cfg_names | tr '\n' ' '))"
	done
else
	mapfile -t configs < <(for c in $(cfg_names); do
		[ "$(cfg_get "$c" optin)" = yes ] || echo "$c"
	done)
fi

phase "host dependencies"
"$VM_DIR/host-deps.sh"

# Every configuration of one arch shares one kernel.
declare -A kernel_of=()
for c in "${configs[@]}"; do
	arch=$(cfg_get "$c" arch)
	if [ -z "${kernel_of[$arch]:-}" ]; then
		kernel_of[$arch]=$(ARCH=$arch "$VM_DIR/kernel-build.sh")
	fi
done

# A config whose qemu_min the host's QEMU misses gets Debian trixie's in a
# cached debootstrap folder (vm/qemu.sh); made here, once, before the boots.
for c in "${configs[@]}"; do
	"$VM_DIR/qemu.sh" "$c" >/dev/null || die "no QEMU for $c"
done

phase "make static"
make -s -C "$TOP_DIR" static >&2 || die "make static failed"
mkdir -p "$OUT_DIR"
# One initramfs per arch: the arm64 guests (smmuv3) get the cross-compiled
# suite (make static-arm64) and an arm64 busybox.
declare -A initramfs_of=()
for arch in "${!kernel_of[@]}"; do
	if [ "$arch" = x86_64 ]; then
		initramfs_of[$arch]=$(OUT=$OUT_DIR/initramfs.cpio.gz "$VM_DIR/initramfs.sh")
	else
		phase "make static-$arch"
		make -s -C "$TOP_DIR" "static-$arch" >&2 || die "make static-$arch failed"
		initramfs_of[$arch]=$(ARCH=$arch OUT=$OUT_DIR/initramfs-$arch.cpio.gz "$VM_DIR/initramfs.sh")
	fi
done

phase "booting ${#configs[@]} configuration(s), $VM_JOBS at a time: ${configs[*]}"
t0=$(date +%s)
# While guests run: every VM_PROGRESS seconds one line with each running
# guest's results so far against its plan (from its live KTAP link).
progress() {
	local c k n plan line
	while sleep "${VM_PROGRESS:-20}"; do
		line=""
		for c in "${configs[@]}"; do
			k=$OUT_DIR/$c.live
			[ -e "$k" ] || continue
			n=$(grep -cE '^(not )?ok [0-9]+ ' "$k" 2>/dev/null || true)
			plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$k" 2>/dev/null | head -n1)
			line+=" $c ${n:-0}/${plan:-?}"
		done
		[ -n "$line" ] && phase "running ($(($(date +%s) - t0))s):$line"
	done
}
progress &
progress_pid=$!
guest_pids=()
running=0
for c in "${configs[@]}"; do
	while [ "$running" -ge "$VM_JOBS" ]; do
		sleep 1
		running=0
		for pid in "${guest_pids[@]}"; do
			kill -0 "$pid" 2>/dev/null && running=$((running + 1))
		done
	done
	rm -f "$OUT_DIR/$c.rc"
	(
		set +e
		boot() {
			KERNEL=${kernel_of[$(cfg_get "$c" arch)]} INITRAMFS=${initramfs_of[$(cfg_get "$c" arch)]} OUT_DIR=$OUT_DIR \
				QUIET=1 SMP=${VM_SMP:-} "$VM_DIR/run-config.sh" "$c" >"$OUT_DIR/$c.out" 2>&1
		}
		boot
		rc=$?
		# TCG guests sometimes freeze (guest clock stopped, QEMU idle;
		# see vm-facts.md). A hang, and only a hang, gets one more boot;
		# the KTAP says so, and the first console is kept. A splat or
		# panic is never retried.
		if [ "$rc" = 3 ] && [ "${VM_HANG_RETRIES:-1}" -gt 0 ] &&
		   grep -q '^# vm: hang' "$OUT_DIR/$c.ktap" 2>/dev/null; then
			cp "$OUT_DIR/$c.console" "$OUT_DIR/$c.hang1.console" 2>/dev/null
			boot
			rc=$?
			echo "# note: the first boot hung (console kept as $c.hang1.console); this is the retry" >>"$OUT_DIR/$c.ktap"
			echo "vm $c: first boot hung; result from one retry" >>"$OUT_DIR/$c.out"
		fi
		echo $rc >"$OUT_DIR/$c.rc"
	) &
	guest_pids+=($!)
	running=$((running + 1))
done
for pid in "${guest_pids[@]}"; do
	wait "$pid" || true
done
kill "$progress_pid" 2>/dev/null || true
wait "$progress_pid" 2>/dev/null || true
phase "all guests done in $(($(date +%s) - t0))s"

fail=0
ktaps=()
for c in "${configs[@]}"; do
	cat "$OUT_DIR/$c.out"
	rc=$(cat "$OUT_DIR/$c.rc" 2>/dev/null || echo 3)
	[ "$rc" = 0 ] || fail=1
	[ "$(cfg_get "$c" matrix)" = no ] || ktaps+=("$c=$OUT_DIR/$c.ktap")
done
echo

# The matrix: one row per invariant, a column per configuration, printed,
# as JSON and as an HTML page whose cells link to the cases' logs (known
# findings marked). The static build runs on the host as well as in the
# guest.
bin=$TOP_DIR/build-static/iommu-conformance
[ -x "$TOP_DIR/build/iommu-conformance" ] && bin=$TOP_DIR/build/iommu-conformance
bin=${MATRIX_BIN:-$bin}
mrc=0
if [ ${#ktaps[@]} -gt 0 ]; then
	set +e
	"$bin" matrix --json "$OUT_DIR/summary.json" --html "$OUT_DIR/matrix.html" \
		--known "$VM_DIR/known-findings.txt" "${ktaps[@]}"
	mrc=$?
	if [ "$mrc" = 2 ] && ! "$bin" matrix --help 2>&1 | grep -q -- --html; then
		# A binary older than --html (MATRIX_BIN): the matrix without it.
		# Any other exit 2 (a page it could not write, a known-findings
		# file it cannot read) stays an error below.
		echo "matrix: this binary has no --html; the matrix without the HTML page:"
		"$bin" matrix --json "$OUT_DIR/summary.json" "${ktaps[@]}"
		mrc=$?
	else
		echo "HTML matrix (cells linked to the cases' logs): $OUT_DIR/matrix.html"
	fi
	set -e
fi
if [ "$mrc" = 2 ]; then
	# No matrix subcommand (or it rejected the input): per-config totals.
	echo "matrix unavailable (exit 2); totals from the KTAP files:"
	printf '%-10s %6s %6s %6s  %s\n' config ok notok skip vm
	for kv in "${ktaps[@]}"; do
		c=${kv%%=*}
		k=$OUT_DIR/$c.ktap
		okn=$(grep -cE '^ok [0-9]+' "$k" || true)
		skip=$(grep -cE '^ok [0-9]+.*# SKIP' "$k" || true)
		bad=$(grep -cE '^not ok [0-9]+' "$k" || true)
		vm=$(sed -n 's/^# vm: //p' "$k" | tail -n1)
		printf '%-10s %6s %6s %6s  %s\n' "$c" "$((okn - skip))" "$bad" "$skip" "$vm"
		[ "$bad" = 0 ] || fail=1
	done
elif [ "$mrc" != 0 ]; then
	fail=1
fi

# What failed, and which of it is a known finding (vm/known-findings.txt):
# the exit stays non-zero on any FAIL (findings are results), but a person
# sees at once whether anything is new.
known=$VM_DIR/known-findings.txt
nnew=0 nknown=0 sick=() failing=""
for c in "${configs[@]}"; do
	k=$OUT_DIR/$c.ktap
	h=$(sed -n 's/^# vm: \([a-z-]*\).*/\1/p' "$k" 2>/dev/null | tail -n1)
	[ "${h:-missing}" = ok ] || sick+=("$c (${h:-no result})")
	while read -r id; do
		why=$(awk -v c="$c" -v i="$id" '!/^#/ && $1 == c && $2 == i { print $3; exit }' "$known")
		if [ -n "$why" ]; then
			nknown=$((nknown + 1))
			failing+=$(printf '  %-13s %-48s known %s' "$c" "$id" "$why")$'\n'
		else
			nnew=$((nnew + 1))
			failing+=$(printf '  %-13s %-48s NEW' "$c" "$id")$'\n'
		fi
	done < <(sed -nE 's/^not ok [0-9]+ ([^ #]+).*/\1/p' "$k" 2>/dev/null)
done
[ -z "$failing" ] || printf 'failing cases:\n%s' "$failing"
[ ${#sick[@]} = 0 ] || echo "guests not healthy: ${sick[*]}"

if [ "$fail" != 0 ]; then
	echo "vm-check: FAILED: $nnew new failing case(s), $nknown known finding(s) reproduced, ${#sick[@]} unhealthy guest(s) (see $OUT_DIR/*.console and *.ktap)"
	exit 1
fi
echo "vm-check: all ${#configs[@]} configuration(s) passed"
