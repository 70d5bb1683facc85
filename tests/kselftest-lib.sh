# Shared by tests/kselftest-test.sh and tests/vm/kselftest-test.sh (sourced):
# the kselftest collection (kselftest/) installed the way a kernel tree
# installs selftests, and kunit.py's reading of KTAP.
# shellcheck shell=bash

# A kernel tree to install from, without touching the cached source (the
# kernel build refuses a source tree with generated files in it): real
# folders down to tools/testing/selftests, symlinks for everything else, the
# collection linked in as selftests/iommu-conformance, and an O= folder
# whose usr/include is the headers_install the suite builds against.
#   ksft_tree KSRC UAPI_INC DIR   -> DIR/src (the tree) and DIR/obj (O=)
ksft_tree() {
	local ksrc=$1 uapi=$2 dir=$3 e
	rm -rf "$dir"
	mkdir -p "$dir/src/tools/testing" "$dir/obj/usr"
	for e in "$ksrc"/*; do
		[ "${e##*/}" = tools ] || ln -s "$e" "$dir/src/${e##*/}"
	done
	for e in "$ksrc"/tools/*; do
		[ "${e##*/}" = testing ] || ln -s "$e" "$dir/src/tools/${e##*/}"
	done
	for e in "$ksrc"/tools/testing/*; do
		[ "${e##*/}" = selftests ] || ln -s "$e" "$dir/src/tools/testing/${e##*/}"
	done
	cp -rs "$ksrc/tools/testing/selftests" "$dir/src/tools/testing/selftests"
	ln -s "$TOP/kselftest" "$dir/src/tools/testing/selftests/iommu-conformance"
	ln -s "$uapi" "$dir/obj/usr/include"
}

# ksft_install DIR INSTALL_PATH MAKE-ARGS...: the kernel's own install step.
ksft_install() {
	local dir=$1 inst=$2
	shift 2
	make -C "$dir/src/tools/testing/selftests" O="$dir/obj" \
		TARGETS=iommu-conformance INSTALL_PATH="$inst" -j"$(nproc)" "$@" install
}

# The tests' ok / not ok counting (tests/vm/lava-test.sh uses it too):
# check DESCRIPTION COMMAND... runs the command and counts its verdict;
# finish prints the totals ("N passed, N failed", and ", N skipped" when
# something was) and exits.
npass=0 nfail=0 nskip=0
ok() { echo "ok $*"; npass=$((npass + 1)); }
not_ok() { echo "not ok $*"; nfail=$((nfail + 1)); }
check() { # description command...
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {
	if [ "$nskip" -gt 0 ]; then
		echo "$npass passed, $nfail failed, $nskip skipped"
	else
		echo "$npass passed, $nfail failed"
	fi
	[ "$nfail" = 0 ]
	exit
}

# ksft_begin: find the kernel source (ksft_sources) or end the test there.
ksft_begin() {
	if ! ksft_sources; then
		not_ok "kernel source, uAPI headers and kunit.py found (vm/kernel-source.sh)"
		finish
	fi
}

# The kernel source and its uAPI headers, as the suite's build finds them.
ksft_sources() { # sets KSRC, UAPI_INC, KUNIT_PY
	KSRC=${KERNEL_SRC:-$("$TOP/vm/kernel-source.sh")} || return 1
	UAPI_INC=$(sed -n 's/^UAPI_INC := //p' "$TOP/build/headers.mk" 2>/dev/null)
	[ -n "$UAPI_INC" ] || UAPI_INC=$("$TOP/vm/uapi-headers.sh" | sed -n 's/^UAPI_INC := //p')
	KUNIT_PY=$KSRC/tools/testing/kunit/kunit.py
	[ -d "$UAPI_INC/linux" ] && [ -f "$KUNIT_PY" ]
}

# kunit_read FILE: kunit.py parse on FILE; prints "P F S E W" (passed,
# failed, skipped, crashed+errors, warning lines) and leaves the output in
# FILE.kunit.
kunit_read() {
	local f=$1 line p f_ s e w
	python3 "$KUNIT_PY" parse "$f" >"$f.kunit" 2>&1
	line=$(grep -E 'Testing complete\. Ran [0-9]+ tests' "$f.kunit" | tail -n1)
	p=$(sed -nE 's/.*passed: ([0-9]+).*/\1/p' <<<"$line")
	f_=$(sed -nE 's/.*failed: ([0-9]+).*/\1/p' <<<"$line")
	s=$(sed -nE 's/.*skipped: ([0-9]+).*/\1/p' <<<"$line")
	e=$(($(sed -nE 's/.*crashed: ([0-9]+).*/\1/p' <<<"$line") + 0 +
	     $(sed -nE 's/.*errors: ([0-9]+).*/\1/p' <<<"$line") + 0))
	# kunit.py marks what it could not read with [ERROR] / WARNING.
	w=$(grep -cE '\[ERROR\]|WARNING|[Ww]arning:' "$f.kunit" || true)
	[ -n "$line" ] || w=$((w + 1))
	echo "${p:-0} ${f_:-0} ${s:-0} $e $w"
}

# ktap_totals FILE [INDENT]: "P F S" from the suite's "# Totals:" lines at
# that indentation, summed (one per target in the collection's output).
ktap_totals() {
	awk -v pre="^${2:-}# Totals: " '$0 ~ pre {
		for (i = 1; i <= NF; i++) {
			split($i, kv, ":")
			if (kv[1] == "pass") p += kv[2]
			if (kv[1] == "fail") f += kv[2]
			if (kv[1] == "skip") s += kv[2]
		}
	} END { print p + 0, f + 0, s + 0 }' "$1"
}

# ksft_expected KTAP: "P F S" a reader of the collection's KTAP must count:
# the cases of each target's run (the indented Totals) and one skip per
# target that did not run.
ksft_expected() {
	local np nf ns os
	read -r np nf ns < <(ktap_totals "$1" "    ")
	read -r _ _ os < <(ktap_totals "$1")
	echo "$np $nf $((ns + os))"
}

# ksft_nested OUT: the collection's own KTAP out of run_kselftest.sh's
# output (the runner prefixes a program's output with "# ").
ksft_nested() {
	awk '/^# selftests: iommu-conformance: conformance.sh$/ { on = 1; next }
	     on && /^(not )?ok [0-9]+ selftests: / { exit }
	     on { sub(/^# ?/, ""); print }' "$1"
}
