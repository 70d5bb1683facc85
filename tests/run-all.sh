#!/usr/bin/env bash
# The README's test command (`make check`): everything CI runs, in order.
#
#   0. host packages (vm/host-deps.sh; needs root on a fresh machine)
#   1. make                    2. make asan
#   3. unit tests, both builds 4. model suite, both builds
#   5. negative controls, invariant coverage, the contract's generated
#      Targets lines (tests/contract-targets.sh), the CLI's exit statuses, the
#      explorer, the kselftest collection (tests/kselftest-test.sh), the
#      report formats (tests/junit-schema.sh, tests/html-matrix.sh), the
#      vm/configs.cfg reader against vm/cfg.sh, a short run of each fuzz
#      target (make fuzz, tests/fuzz/run.sh)
#   6. VM parts (tests/vm/run.sh, make vm-check judged per case by
#      tests/vm/check-results.sh against vm/known-findings.txt)
#
# The last line is "N passed, N failed, N skipped", counted as:
#   - unit tests: each test in each build (the "unit: N passed, N failed,
#     N skipped" line; a test whose environment is missing skips)
#   - model suite: each case in each build (the KTAP "# Totals:" line)
#   - negative controls: each profile (the "negative-controls:" line)
#   - invariant coverage: each invariant checked on the model (the
#     "invariant-coverage:" line; failed = no negative control)
#   - contract Targets lines: each invariant's line, and each configuration
#     of the record compared with this run (the "contract-targets:" line)
#   - CLI exit statuses: each check
#   - the step-5 scripts (engine controls, layering, explorer, kselftest,
#     JUnit schema, HTML matrix): their own "N passed, N failed[, N
#     skipped]" line
#   - configs reader: each check (the "configs:" line)
#   - fuzz targets: each target, 8 s from its seeds with no crash, leak or
#     broken property (the "fuzz:" line); make fuzz failing is 1 failed
#   - VM cases: each case of each configuration (a known finding that
#     reproduces counts as passed; see tests/vm/check-results.sh)
#   - VM parts: a script's own "N passed, N failed[, N skipped]" line if it
#     prints one, else the matrix's totals row (pass/fail/skip per column),
#     else 1 passed or 1 failed by its exit status; a missing script counts
#     as 1 skipped
#   - a build, or a step that dies without its summary line, is 1 failed
#     (and the steps that need that build are skipped, 1 skipped each)
# Exit status: 0 when nothing failed, 1 otherwise.
#
#   SKIP_VM=1   leave out the VM parts (counted as skipped)
#   CHECK_MUTANT=NN  the kernel mutant make check runs end to end (vm/mutants/)
#   KEEP_GOING is implied: every phase runs, the totals say what failed.
set -uo pipefail
CHECK_MUTANT=${CHECK_MUTANT:-02}

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
logs=$top/build/check-logs
mkdir -p "$logs"

t0=$(date +%s)
npass=0 nfail=0 nskip=0
failures=()

elapsed() {
	local s=$(($(date +%s) - t0))
	printf '%dm%02ds' $((s / 60)) $((s % 60))
}
phase() { printf '[%s] == %s\n' "$(elapsed)" "$*"; }
note() { printf '[%s]    %s\n' "$(elapsed)" "$*"; }
count() { # pass fail skip what
	npass=$((npass + $1)) nfail=$((nfail + $2)) nskip=$((nskip + $3))
	note "$4: $1 passed, $2 failed, $3 skipped"
	[ "$2" -gt 0 ] && failures+=("$4")
	return 0
}
show_tail() { # log
	echo "    --- last lines of $1:"
	tail -n "${2:-20}" "$1" | sed 's/^/    | /'
}

# Runs "$@" with output in logs/$name.log; returns the command's status.
logged() {
	local name=$1
	shift
	"$@" >"$logs/$name.log" 2>&1
}

# --- 0. host packages ------------------------------------------------------
phase "host packages (vm/host-deps.sh)"
if [ -x vm/host-deps.sh ]; then
	if ! vm/host-deps.sh 2>&1 | tee "$logs/host-deps.log" | sed 's/^/    /'; then
		note "vm/host-deps.sh failed: see above"
		count 0 1 0 "host packages"
	fi
else
	note "vm/host-deps.sh missing; assuming the host has make and gcc"
fi

# --- 1, 2. builds -----------------------------------------------------------
declare -A built
build() { # name make-args...
	local name=$1
	shift
	phase "make${*:+ $*} ($name)"
	if logged "make-$name" make "$@" -j"$(nproc)"; then
		built[$name]=1
		note "ok"
	else
		built[$name]=0
		# The compiler's and linker's complaints, not the command lines.
		grep -vE '^(cc|gcc|ar|make(\[[0-9]+\])?:.*(Entering|Leaving)) ' "$logs/make-$name.log" |
			tail -n 30 | sed 's/^/    | /'
		count 0 1 0 "make $name"
	fi
}
build plain
build asan asan

bin_of() { [ "$1" = plain ] && echo build || echo build-asan; }

# --- 3. unit tests ----------------------------------------------------------
for b in plain asan; do
	phase "unit tests ($b)"
	if [ "${built[$b]}" != 1 ]; then
		count 0 0 1 "unit tests ($b): not built"
		continue
	fi
	logged "unit-$b" "$(bin_of $b)/unit-tests"
	rc=$?
	line=$(grep -E '^unit: [0-9]+ passed, [0-9]+ failed' "$logs/unit-$b.log" | tail -n1)
	if [ -n "$line" ]; then
		read -r p f < <(sed -E 's/^unit: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/' <<<"$line")
		s=$(sed -nE 's/.*, ([0-9]+) skipped.*/\1/p' <<<"$line")
		grep -E '^FAIL ' "$logs/unit-$b.log" | sed 's/^/    /'
		[ "$f" -eq 0 ] && [ $rc -ne 0 ] && { f=1; show_tail "$logs/unit-$b.log"; }
		count "$p" "$f" "${s:-0}" "unit tests ($b)"
	else
		show_tail "$logs/unit-$b.log"
		count 0 1 0 "unit tests ($b): died (exit $rc)"
	fi
done

# --- 4. model suite ---------------------------------------------------------
for b in plain asan; do
	phase "model suite ($b): iommu-conformance run --target model"
	if [ "${built[$b]}" != 1 ]; then
		count 0 0 1 "model suite ($b): not built"
		continue
	fi
	out=$logs/model-$b.ktap
	logged "model-$b" "$(bin_of $b)/iommu-conformance" run --target model \
		--format ktap --output "$out"
	rc=$?
	line=$(grep -E '^# Totals:' "$out" 2>/dev/null | tail -n1)
	if [ -n "$line" ] && [ $rc -le 1 ]; then
		p=$(sed -E 's/.* pass:([0-9]+).*/\1/' <<<"$line")
		f=$(sed -E 's/.* fail:([0-9]+).*/\1/' <<<"$line")
		s=$(sed -E 's/.* skip:([0-9]+).*/\1/' <<<"$line")
		grep -E '^not ok ' "$out" | sed 's/^/    /'
		count "$p" "$f" "$s" "model suite ($b)"
	else
		show_tail "$logs/model-$b.log"
		count 0 1 0 "model suite ($b): exit $rc, no report"
	fi
done

# A step that is a script ending with "[WORD: ]N passed, N failed[, N
# skipped]": runs it
# (needing the plain build unless need=-), shows the lines matching show,
# and counts from that line; a failing exit with nothing failed is 1 failure.
script_step() { # name what show need command...
	local name=$1 what=$2 show=$3 need=$4 rc line p f s
	shift 4
	phase "$what ($*)"
	if [ "$need" != - ] && [ "${built[plain]}" != 1 ]; then
		count 0 0 1 "$what: not built"
		return
	fi
	logged "$name" "$@"
	rc=$?
	grep -E "$show" "$logs/$name.log" | sed 's/^/    /' || true
	line=$(grep -E '^([a-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$logs/$name.log" | tail -n1)
	if [ -n "$line" ]; then
		read -r p f < <(sed -E 's/^([a-z-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\2 \3/' <<<"$line")
		s=$(sed -nE 's/.* failed, ([0-9]+) skipped.*/\1/p' <<<"$line")
		[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
		count "$p" "$f" "${s:-0}" "$what"
	else
		show_tail "$logs/$name.log"
		count 0 1 0 "$what: exit $rc"
	fi
}

# --- 5. negative controls, invariant coverage, engine controls, layering ---
# Negative controls: every profile fails the invariants it is built to
# break. Invariant coverage: every invariant checked on the model has such a
# profile. Engine controls: a broken engine never yields a DMA PASS.
# Layering: no include points up or sideways in src/, and the check itself
# must fail on a copy of the tree with one upward include planted.
bin_env=(env BIN="$top/build/iommu-conformance")
script_step negative-controls "negative controls" '^(not ok|#)' plain \
	"${bin_env[@]}" tests/negative-controls.sh
script_step invariant-coverage "invariant coverage" '^(checked|never|broken)' plain \
	"${bin_env[@]}" tests/invariant-coverage.sh
script_step engine-controls "engine controls" '^(not )?ok' plain \
	"${bin_env[@]}" tests/engine-controls.sh
# The contract's Targets lines: generated from a recorded run
# (docs/targets-run.txt); the script's own test, then the contract against
# the record and the record's model column against this model run.
script_step contract-targets-test "contract Targets script" '^not ok' - \
	tests/contract-targets-test.sh
script_step contract-targets "contract Targets lines" '^not ok' plain \
	"${bin_env[@]}" tests/contract-targets.sh check
script_step layering "layering" '^not ok' - tests/layering.sh
planted=$(mktemp -d)
cp -r src "$planted/"
echo '#include "../run/run.h"' >>"$planted/src/model/model.h"
if tests/layering.sh "$planted" >"$logs/layering-planted.log" 2>&1; then
	count 0 1 0 "layering: a planted upward include was not caught"
else
	count 1 0 0 "layering: a planted upward include is caught"
fi
rm -rf "$planted"

# --- 5b. the CLI's exit-status contract -----------------------------------
# Each check is one test: the exit status, and for errors exactly one
# stderr line starting "error: ".
cli_checks() {
	local bin=$top/build/iommu-conformance tmp p=0 f=0
	tmp=$(mktemp -d)
	check() { # want-rc description command...
		local want=$1 what=$2 rc lines
		shift 2
		"$@" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		lines=$(wc -l <"$tmp/err")
		if [ "$rc" -ne "$want" ]; then
			echo "    not ok $what: exit $rc, want $want"
			f=$((f + 1))
		elif [ "$want" -eq 2 ] && { [ "$lines" -ne 1 ] || ! grep -q '^error: ' "$tmp/err"; }; then
			echo "    not ok $what: stderr is not one 'error:' line:"
			sed 's/^/    | /' "$tmp/err"
			f=$((f + 1))
		else
			p=$((p + 1))
		fi
	}
	printf 'KTAP version 1\n1..1\n# invariant OBJ-1 pass\nok 1 a\n# invariant OBJ-1 pass\n# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0\n# vm: ok clean\n' >"$tmp/ok.ktap"
	printf 'KTAP version 1\n1..2\n# invariant OBJ-1 pass\nok 1 a\n# vm: panic Oops\n' >"$tmp/panic.ktap"
	check 0 "--version" "$bin" --version
	check 0 "--help" "$bin" --help
	check 2 "unknown option" "$bin" --foo
	check 2 "unknown run option" "$bin" run --foo
	check 2 "unknown target" "$bin" run --target x
	check 2 "unknown profile" "$bin" run --profile no-such-profile
	check 2 "bad --timeout" "$bin" run --timeout abc
	check 2 "kernel target unavailable or without devices" "$bin" run --target kernel
	check 0 "list" "$bin" list
	check 0 "list --profiles" "$bin" list --profiles
	check 0 "run, conforming model" "$bin" run --target model --output "$tmp/r.ktap"
	check 0 "matrix, healthy" "$bin" matrix a="$tmp/ok.ktap"
	check 1 "matrix, panic" "$bin" matrix a="$tmp/ok.ktap" b="$tmp/panic.ktap"
	check 2 "matrix, missing file" "$bin" matrix a="$tmp/none.ktap"
	check 2 "matrix, bad NAME=FILE" "$bin" matrix "$tmp/ok.ktap"
	check 0 "matrix --html --known" "$bin" matrix --html "$tmp/m.html" \
		--known vm/known-findings.txt a="$tmp/ok.ktap"
	check 2 "matrix --html, unwritable" "$bin" matrix --html "$tmp/no/m.html" a="$tmp/ok.ktap"
	printf 'intel only-two-fields\n' >"$tmp/bad-known.txt"
	check 2 "matrix --known, bad line" "$bin" matrix --known "$tmp/bad-known.txt" a="$tmp/ok.ktap"
	printf '[a]\nviomu = x\n' >"$tmp/bad.cfg"
	check 0 "configs, vm/configs.cfg" "$bin" configs vm/configs.cfg
	check 0 "configs, a value" "$bin" configs vm/configs.cfg intel viommu
	check 2 "configs, unknown key in the file" "$bin" configs "$tmp/bad.cfg"
	check 2 "configs, missing file" "$bin" configs "$tmp/none.cfg"
	check 2 "configs, no such configuration" "$bin" configs vm/configs.cfg none arch
	rm -rf "$tmp"
	count "$p" "$f" 0 "CLI exit statuses"
}
phase "CLI exit statuses"
if [ "${built[plain]}" != 1 ]; then
	count 0 0 1 "CLI exit statuses: not built"
else
	cli_checks
fi

# --- 5c. the explorer (tests/explore/run.sh, issue 6) ----------------------
# Every negative-control profile found and shrunk, replays judged,
# conforming profiles clean.
script_step explorer "explorer" '^not ok' plain \
	env IC_BIN="$top/build/iommu-conformance" tests/explore/run.sh

# --- 5d. the kselftest collection (kselftest/, issue 16) ----------------
# Built standalone and installed from the kernel tree, run by the kernel's
# run_kselftest.sh on this machine (SKIP, the model), read by kunit.py; the
# model run's KTAP read by kunit.py with no warning. The guest run is a VM
# part (tests/vm/kselftest-test.sh).
script_step kselftest "kselftest collection" '^not ok' plain \
	"${bin_env[@]}" tests/kselftest-test.sh

# --- 5e. report formats (issue 16) -----------------------------------------
# JUnit: the model runs' files validate against the strict Ant schema
# (tests/schema/ant-junit.xsd), which rejects each of a set of broken ones.
script_step junit-schema "JUnit schema" '^not ok' plain \
	"${bin_env[@]}" tests/junit-schema.sh
# The HTML matrix rendered by headless Chromium (installs Debian's chromium
# when missing and root; skipped with the reason otherwise): the DOM and
# the screenshot show every configuration column and the FAIL cells.
script_step html-matrix "HTML matrix" '^(not ok|ok .*# SKIP|# .*png)' plain \
	"${bin_env[@]}" tests/html-matrix.sh
# --- 5f. inputs from elsewhere (issue 16): vm/configs.cfg, fuzzing ---------
# The suite's vm/configs.cfg reader agrees with vm/cfg.sh on the real file
# and refuses what awk misreads; then each libFuzzer target (KTAP + matrix,
# replay files, vm/configs.cfg) runs a few seconds from real files. The
# 10M-execution runs are a benchmark (bench/fuzz.sh).
script_step configs "configs reader" '^not ok' plain \
	"${bin_env[@]}" tests/configs-test.sh
phase "make fuzz (clang, ASan + UBSan)"
if logged make-fuzz make fuzz -j"$(nproc)"; then
	script_step fuzz "fuzz targets" '^(not )?ok' plain \
		"${bin_env[@]}" tests/fuzz/run.sh --seconds 8
else
	show_tail "$logs/make-fuzz.log"
	count 0 1 0 "make fuzz"
fi

# --- 6. VM parts ------------------------------------------------------------
# Counts a VM step from its log (see the header comment).
count_vm() { # log rc what
	local log=$1 rc=$2 what=$3 line p f s
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
	if [ -n "$line" ]; then
		p=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")
		f=$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")
		s=0
		grep -qE 'skipped' <<<"$line" && s=$(sed -E 's/.*, ([0-9]+) skipped.*/\1/' <<<"$line")
	else
		line=$(grep -E '^totals p/f/s ' "$log" | tail -n1)
		if [ -n "$line" ]; then
			read -r p f s < <(tr -s ' ' '\n' <<<"${line#totals p/f/s}" |
				awk -F/ 'NF == 3 { p += $1; f += $2; s += $3 }
					 END { print p + 0, f + 0, s + 0 }')
		elif [ "$rc" -eq 0 ]; then
			p=1 f=0 s=0
		else
			p=0 f=1 s=0
		fi
	fi
	# A failing exit with nothing counted failed is still a failure.
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	[ "$rc" -ne 0 ] && show_tail "$log"
	count "$p" "$f" "$s" "$what"
}

if [ "${SKIP_VM:-0}" = 1 ]; then
	phase "VM parts: skipped (SKIP_VM=1)"
	count 0 0 1 "VM parts: SKIP_VM=1"
else
	phase "VM tests (tests/vm/run.sh)"
	if [ -x tests/vm/run.sh ]; then
		tests/vm/run.sh 2>&1 | tee "$logs/vm-tests.log" | sed 's/^/    /'
		count_vm "$logs/vm-tests.log" "${PIPESTATUS[0]}" "VM tests"
	else
		note "tests/vm/run.sh does not exist yet: skipped"
		count 0 0 1 "VM tests: not present"
	fi

	phase "make vm-check"
	if [ -x vm/vm-check.sh ]; then
		# Old results must not stand in for a run that died early.
		rm -f build/vm/*.ktap
		make vm-check 2>&1 | tee "$logs/vm-check.log" | sed 's/^/    /'
		# vm-check exits 1 on any FAIL cell, known findings included; the
		# judge is check-results.sh against vm/known-findings.txt.
		note "make vm-check exit status ${PIPESTATUS[0]}; judging per case"
		tests/vm/check-results.sh build/vm 2>&1 | tee "$logs/vm-results.log" | sed 's/^/    /'
		count_vm "$logs/vm-results.log" "${PIPESTATUS[0]}" "VM cases (make vm-check)"
		# Every configuration's column of docs/targets-run.txt is what
		# this run shows (else re-record and write the Targets lines).
		script_step contract-targets-vm "contract Targets lines against this run" \
			'^not ok' plain "${bin_env[@]}" tests/contract-targets.sh check --all
	else
		note "vm/vm-check.sh does not exist yet: skipped"
		count 0 0 1 "make vm-check: not present"
	fi

	# One kernel mutant end to end, so `make mutate` cannot rot: patched,
	# built incrementally, booted, judged against this run's pristine
	# results, and it must be killed. The full run is a benchmark.
	phase "one kernel mutant (vm/mutate.sh, MUTANTS=$CHECK_MUTANT)"
	MUTANTS=$CHECK_MUTANT PRISTINE_DIR=build/vm MUTATE_DOC= vm/mutate.sh 2>&1 |
		tee "$logs/mutate.log" | sed 's/^/    /'
	if [ "${PIPESTATUS[0]}" = 0 ] && grep -q '^killed ' "$logs/mutate.log"; then
		count 1 0 0 "kernel mutant $CHECK_MUTANT killed"
	else
		count 0 1 0 "kernel mutant $CHECK_MUTANT not killed (see $logs/mutate.log)"
	fi
fi

phase "done; logs in $logs"
for f in "${failures[@]}"; do
	note "FAILED: $f"
done
echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
