#!/usr/bin/env bash
# tests/contract-targets.sh on a made-up contract and KTAP files: which
# roll-up verdicts count as "ran", write then check agree, and check fails
# on a hand-edited Targets line and on a run that differs from the record.
# Prints "ok N ..." / "not ok N ..." and "contract-targets-test: N passed,
# N failed"; exit 1 on any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
ct=$top/tests/contract-targets.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 p=0 f=0
t() { # description command...
	local what=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/out" 2>&1; then
		p=$((p + 1))
		echo "ok $n $what"
	else
		f=$((f + 1))
		echo "not ok $n $what"
		sed 's/^/#   /' "$tmp/out" | head -n 10
	fi
}
fails() { ! "$@"; }

ktap() { # file verdict-of-A verdict-of-B verdict-of-C
	{
		echo "KTAP version 1"
		echo "# iommu-conformance target=fake"
		echo "1..1"
		echo "# invariant A-1 $2"
		echo "ok 1 x.y"
		echo "# invariant A-1 $2"
		echo "# invariant B-1 $3"
		echo "# invariant C-1 $4"
		echo "# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0"
	} >"$1"
}
ktap "$tmp/one.ktap" pass skip gap
ktap "$tmp/two.ktap" fail not-observable inconclusive
ktap "$tmp/three.ktap" skip skip pass
cat >"$tmp/contract.md" <<'EOF'
# Contract
### A-1 — first
- **Statement:** a.
- **Targets:** model, mock, kernel
  [DMA].
- **Kernel:** x.
### B-1 — second
- **Targets:** kernel.
- **Target notes:** kept.
### C-1 — third
- **Targets:** model.
EOF
export CONTRACT=$tmp/contract.md RECORD=$tmp/record.txt

derived=$("$ct" derive one="$tmp/one.ktap" two="$tmp/two.ktap" three="$tmp/three.ktap")
want="A-1 one two
B-1
C-1 one two three"
t "derive: pass/fail/gap/inconclusive ran, skip/not-observable did not" \
	test "$derived" = "$want"
t "record from three files" "$ct" record one="$tmp/one.ktap" two="$tmp/two.ktap" three="$tmp/three.ktap"
t "write" "$ct" write
t "written lines are the record's" grep -qx -- '- \*\*Targets:\*\* one, two\.' "$CONTRACT"
t "an invariant nothing ran for says so" \
	grep -qx -- '- \*\*Targets:\*\* none: no assertion of it ran in the recorded run\.' "$CONTRACT"
t "continuation lines of the old bullet are gone, other bullets kept" \
	bash -c "! grep -q '^  \[DMA\]' '$CONTRACT' && grep -q 'Target notes:\*\* kept' '$CONTRACT' && grep -q 'Kernel:\*\* x' '$CONTRACT'"
t "check passes on the written contract and a matching run" \
	"$ct" check one="$tmp/one.ktap" three="$tmp/three.ktap"
cp "$CONTRACT" "$tmp/good.md"
sed -i 's/^- \*\*Targets:\*\* one, two\./- **Targets:** one, two, three./' "$CONTRACT"
t "check fails on a hand-edited Targets line" fails "$ct" check one="$tmp/one.ktap"
cp "$tmp/good.md" "$CONTRACT"
ktap "$tmp/one-now.ktap" pass pass skip
t "check fails when a run differs from the record" fails "$ct" check one="$tmp/one-now.ktap"
cp "$tmp/out" "$tmp/differs"
t "... and names what changed" grep -q 'now runs {B-1}; no longer runs {C-1}' "$tmp/differs"
t "check fails on a configuration the record lacks" fails "$ct" check four="$tmp/one.ktap"
grep -v '^# Totals' "$tmp/one.ktap" >"$tmp/cut.ktap"
t "an incomplete report is an error, not an empty column" fails "$ct" derive one="$tmp/cut.ktap"

echo "contract-targets-test: $p passed, $f failed"
[ $f -eq 0 ]
