#!/usr/bin/env bash
# Run the VM harness tests: the console scanner on canned logs (seconds, no
# guest) and, unless VM_TESTS=scan, the kernel config check (about 20 s) and
# the real-guest injection tests (about 40 s with a cached kernel) and
# vm/qemu.sh (5 s; a first run makes the trixie QEMU folder, about 35 s),
# and the kselftest collection under run_kselftest.sh in a guest
# (kselftest-test.sh, about 3 min: the static install, then mock and the
# kernel target in an intel guest, 85 s), and LAVA jobs (mock and intel)
# under Debian's lava-dispatcher (lava-test.sh, about 2 min with the
# dispatcher installed: mock 25 s, intel 70 s; the first run installs it,
# about 1 min; one SKIP when lava-dispatcher cannot be installed).
# Ends with "N passed, N failed, N skipped" ("ok ... # SKIP" lines are skips).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tests=(scan-test.sh watch-test.sh)
[ "${VM_TESTS:-all}" = scan ] || tests+=(config-test.sh inject-test.sh qemu-test.sh fresh-host-test.sh dev-loop-test.sh kselftest-test.sh lava-test.sh)

passed=0
failed=0
skipped=0
summary='^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$'
for t in "${tests[@]}"; do
	echo "# $t"
	out=$("$here/$t" 2>&1) || true
	printf '%s\n' "$out" | grep -v -E "$summary"
	p=$(printf '%s\n' "$out" | grep '^ok ' | grep -vc ' # SKIP' || true)
	s=$(printf '%s\n' "$out" | grep '^ok ' | grep -c ' # SKIP' || true)
	f=$(printf '%s\n' "$out" | grep -c '^not ok ' || true)
	# A script that died before its summary counts as one failure.
	printf '%s\n' "$out" | grep -qE "$summary" || f=$((f + 1))
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
