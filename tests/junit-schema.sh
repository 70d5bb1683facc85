#!/usr/bin/env bash
# The suite's JUnit against the strict Ant JUnit schema (tests/schema/
# ant-junit.xsd) with xmllint --schema:
#   - the model run (conforming profile: passes, skips, gaps) validates
#   - a negative-control run (failures, their logs) validates
#   - every JUnit file a VM run left under build/vm (*.xml) validates
#   - the schema can fail: files broken the ways strict consumers reject
#     (a zone in the timestamp, no hostname, system-err before system-out,
#     a testcase with output of its own, no properties, an unknown
#     attribute, a collected suite without id or package, a failure without
#     a type, a count that is not a number, ...) are each rejected, and for
#     that reason (xmllint's complaint names it)
# Ends with "junit-schema: N passed, N failed".
#   KEEP_WORK=1  keep the files (the path is printed)
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/kselftest-lib.sh" # ok, not_ok, check
BIN=${BIN:-$TOP/build/iommu-conformance}
XSD=$TOP/tests/schema/ant-junit.xsd
VM_DIR=${VM_OUT:-$TOP/build/vm}
work=$(mktemp -d)
if [ -n "${KEEP_WORK:-}" ]; then echo "# files in $work"; else trap 'rm -rf "$work"' EXIT; fi

done_() {
	echo "junit-schema: $npass passed, $nfail failed"
	[ "$nfail" = 0 ]
	exit
}

if ! command -v xmllint >/dev/null; then
	not_ok "xmllint found (Debian package libxml2-utils, vm/host-deps.sh)"
	done_
fi

complaint() { grep -v 'fails to validate$' "$work/err" | head -n3 | sed 's/^/# /'; }
valid() { # file
	xmllint --noout --schema "$XSD" "$1" >/dev/null 2>"$work/err" && return 0
	complaint
	return 1
}
rejected() { # file why: invalid, and xmllint's complaint says why
	! xmllint --noout --schema "$XSD" "$1" >/dev/null 2>"$work/err" &&
		grep -qF -- "$2" "$work/err" && return 0
	echo "# want a complaint with: $2"
	complaint
	return 1
}

# --- the suite's own output -------------------------------------------------
"$BIN" run --target model --format junit --output "$work/model.xml" >/dev/null 2>&1
check "model run (conforming): JUnit validates" valid "$work/model.xml"
check "model run: has skipped cases and no failure" \
	eval 'grep -q "<skipped " "$work/model.xml" && ! grep -q "<failure " "$work/model.xml"'
"$BIN" run --target model --profile stale-unmap --format junit \
	--output "$work/stale.xml" >/dev/null 2>&1
check "model run (negative control stale-unmap): JUnit validates" valid "$work/stale.xml"
check "negative-control run: has failures" grep -q "<failure " "$work/stale.xml"

nvm=0
for f in "$VM_DIR"/*.xml; do
	[ -e "$f" ] || continue
	nvm=$((nvm + 1))
	check "VM run ${f##*/}: JUnit validates" valid "$f"
done
[ "$nvm" = 0 ] && echo "# no JUnit under ${VM_DIR#"$TOP"/} (a VM run writes KTAP; nothing more to validate)"

# --- the schema rejects what strict consumers reject --------------------------
# Each mutant is the model run's file with one thing broken.
mutant() { # name why sed-script
	sed -E "$3" "$work/model.xml" >"$work/$1.xml"
	if cmp -s "$work/model.xml" "$work/$1.xml"; then
		not_ok "mutant $1: the edit changed nothing (test is stale)"
		return
	fi
	check "schema rejects: $1" rejected "$work/$1.xml" "$2"
}
mutant timestamp-with-zone "'timestamp': [facet 'pattern']" 's/(timestamp="[0-9T:-]{19})"/\1Z"/'
mutant timestamp-fraction "'timestamp': [facet 'pattern']" 's/(timestamp="[0-9T:-]{19})"/\1.5"/'
mutant no-hostname "attribute 'hostname' is required" 's/ hostname="[^"]*"//'
mutant empty-hostname "'hostname': [facet 'minLength']" 's/ hostname="[^"]*"/ hostname=""/'
mutant no-id "attribute 'id' is required" 's/ id="0"//'
mutant no-package "attribute 'package' is required" 's/ package="[^"]*"//'
mutant no-properties "Expected is ( properties )" '/^ *<\/?properties>$/d; /^ *<property /d'
mutant unknown-attribute "attribute 'flavour' is not allowed" 's/<testsuite /<testsuite flavour="x" /'
mutant testcase-without-time "'testcase': The attribute 'time' is required" \
	'0,/<testcase /{/<testcase /s/ time="[^"]*"//}'
mutant testcase-output "'system-out': This element is not expected" \
	'0,/<testcase ([^>]*)\/>/s//<testcase \1><system-out>x<\/system-out><\/testcase>/'
mutant failure-without-type "'failure': The attribute 'type' is required" \
	'0,/<skipped /s/<skipped /<failure /'
mutant no-system-err "Expected is ( system-err )" 's/<system-err><\/system-err>//'
mutant err-before-out "'system-err': This element is not expected" \
	's/<system-out>/<system-XX>/; s/<\/system-out>/<\/system-XX>/; s/<system-err><\/system-err>/<system-out><\/system-out>/; s/system-XX/system-err/g'
mutant bad-count "'tests': 'many' is not a valid value" 's/ tests="[0-9]+"/ tests="many"/'

done_
