#!/usr/bin/env bash
# VM harness timings, figures only (no assertions):
#   - guest kernel build: cold (recorded by vm/kernel-build.sh when it built
#     the image) and cached (a lookup, measured now)
#   - initramfs build
#   - per configuration, booted one at a time with the suite: wall time,
#     boot-to-first-test (guest /proc/uptime when /init starts the suite),
#     suite time in the guest
#   - all configurations through vm/vm-check.sh's pool, once per entry of
#     BENCH_JOBS (default "1 2:1 5 5:1"): JOBS[:SMP] = guests at once and,
#     when given, vCPUs per guest
#   BENCH_CONFIGS="intel mock"  only these configurations
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/vm/lib.sh"
. "$top/vm/cfg.sh"

now() { date +%s.%N; }
field() { tr ' ' '\n' <"$2" | sed -n "s/^$1=//p"; }
since() { echo "$(now) - $1" | bc | xargs printf '%.1f'; }

read -r -a configs <<<"${BENCH_CONFIGS:-$(cfg_names | tr '\n' ' ')}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# One kernel and one initramfs per arch of the chosen configurations
# (x86_64; arm64 for smmuv3: cross-built kernel, make static-arm64 suite).
declare -A kernel_of=() initramfs_of=()
for c in "${configs[@]}"; do
	arch=$(cfg_get "$c" arch)
	[ -n "${kernel_of[$arch]:-}" ] && continue
	t=$(now)
	kernel=$(ARCH=$arch QUIET=1 "$top/vm/kernel-build.sh")
	cached=$(since "$t")
	cold=$(cat "$(dirname "$kernel")/build-seconds" 2>/dev/null || echo "not recorded")
	kernel_of[$arch]=$kernel
	echo "kernel ($arch): $kernel"
	echo "kernel build cold ($arch, make -j${JOBS:-3}, recorded): ${cold}s"
	echo "kernel build cached ($arch, lookup): ${cached}s"
	echo "kernel image size ($arch): $(du -k "$kernel" | cut -f1) KiB"

	if [ "$arch" = x86_64 ]; then
		make -s -C "$top" static >/dev/null
	else
		make -s -C "$top" "static-$arch" >/dev/null
	fi
	t=$(now)
	initramfs_of[$arch]=$(ARCH=$arch OUT=$out/initramfs-$arch.cpio.gz QUIET=1 "$top/vm/initramfs.sh")
	echo "initramfs build ($arch): $(since "$t")s ($(du -k "${initramfs_of[$arch]}" | cut -f1) KiB)"
done

echo
printf '%-10s %9s %15s %11s %7s  %s\n' config wall_s boot_to_test_s suite_s exit vm
for c in "${configs[@]}"; do
	set +e
	arch=$(cfg_get "$c" arch)
	KERNEL=${kernel_of[$arch]} INITRAMFS=${initramfs_of[$arch]} OUT_DIR=$out QUIET=1 \
		"$top/vm/run-config.sh" "$c" >/dev/null 2>&1
	set -e
	# NAME.times: wall=... boot_to_suite=... suite_end=... vm=... suite_exit=...
	wall=$(field wall "$out/$c.times")
	boot_to_suite=$(field boot_to_suite "$out/$c.times")
	suite_end=$(field suite_end "$out/$c.times")
	suite_exit=$(field suite_exit "$out/$c.times")
	vm=$(field vm "$out/$c.times")
	suite="?"
	if [ "$boot_to_suite" != "?" ] && [ "$suite_end" != "?" ]; then
		suite=$(echo "$suite_end - $boot_to_suite" | bc | xargs printf '%.1f')
	fi
	printf '%-10s %9.1f %15s %11s %7s  %s\n' "$c" "$wall" "$boot_to_suite" "$suite" "$suite_exit" "$vm"
done

echo
for entry in ${BENCH_JOBS:-1 2:1 5 5:1}; do
	j=${entry%%:*}
	smp=""
	[ "$entry" != "$j" ] && smp=${entry#*:}
	t=$(now)
	set +e
	VM_JOBS=$j VM_SMP=$smp VM_CONFIGS="${configs[*]}" OUT_DIR=$out/pool QUIET=1 \
		"$top/vm/vm-check.sh" >/dev/null 2>&1
	rc=$?
	set -e
	walls=""
	for c in "${configs[@]}"; do
		walls="$walls $c=$(field wall "$out/pool/$c.times" | xargs printf '%.1f')"
	done
	echo "vm-check (kernel cached) VM_JOBS=$j smp=${smp:-config}: $(since "$t")s wall (exit $rc;$walls)"
done
echo "cpus: $(nproc), load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
