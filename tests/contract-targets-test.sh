#!/usr/bin/env bash
# tests/contract-targets.sh on a made-up contract and KTAP files: which
# roll-up verdicts count as "ran", write then check agree, and check fails
# on a hand-edited Targets line and on a run that differs from the record;
# the "GAP / not observable" lines carry the deciding case's message
# (normalised), and a GAP the contract or the record does not list fails.
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
		case $2 in
		gap) echo "# GAP A-1: allowed on edu 0000:00:10.0 at 0xfee00000 after 99.5ms" ;;
		not-observable) echo "# NOT OBSERVABLE A-1: cannot see it (12 s)" ;;
		esac
		echo "# invariant A-1 $2"
		echo "ok 1 x.y"
		[ "$3" = not-observable ] && echo "# invariant B-1 $3" &&
			echo "ok 2 x.z # SKIP not observable: no engine on 00:04.0"
		[ "$4" = gap ] && echo "# GAP C-1: the driver allows it" &&
			echo "# GAP C-1: a later message of that case" && echo "# invariant C-1 $4" &&
			echo "ok 3 x.w"
		echo "# invariant A-1 $2"
		echo "# invariant B-1 $3"
		echo "# invariant C-1 $4"
		echo "# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0"
	} >"$1"
}
ktap "$tmp/one.ktap" pass skip gap
ktap "$tmp/two.ktap" fail not-observable inconclusive
ktap "$tmp/three.ktap" skip skip gap
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
t "no GAP line is left without its Targets line" \
	test "$(grep -c '^- \*\*GAP / not observable:\*\*' "$CONTRACT")" = 3
t "GAP lines: none where nothing rolled up gap or not-observable" \
	grep -qx -- '- \*\*GAP / not observable:\*\* none\.' "$CONTRACT"
t "GAP lines: the case's message, the first of that case, configurations with one reason together" \
	grep -qx -- '- \*\*GAP / not observable:\*\* one, three GAP (the driver allows it)\.' "$CONTRACT"
t "N-O: the SKIP reason when the case logged no message; PCI addresses normalised" \
	grep -qx -- '- \*\*GAP / not observable:\*\* two N-O (no engine on a device)\.' "$CONTRACT"
t "the GAP line sits right after the Targets bullet" \
	bash -c "grep -A1 '^- \*\*Targets:\*\* one, two, three' '$CONTRACT' | grep -q 'GAP / not observable'"
t "write twice changes nothing" bash -c "cp '$CONTRACT' '$tmp/once.md' && '$ct' write && cmp '$CONTRACT' '$tmp/once.md'"
t "check passes on the written contract and a matching run" \
	"$ct" check one="$tmp/one.ktap" three="$tmp/three.ktap"
cp "$CONTRACT" "$tmp/good.md"
sed -i 's/^- \*\*Targets:\*\* one, two\./- **Targets:** one, two, three./' "$CONTRACT"
t "check fails on a hand-edited Targets line" fails "$ct" check one="$tmp/one.ktap"
cp "$tmp/good.md" "$CONTRACT"
sed -i '/^- \*\*GAP \/ not observable:\*\* two N-O/d' "$CONTRACT"
t "check fails when an entry lacks its GAP line" fails "$ct" check one="$tmp/one.ktap"
cp "$tmp/good.md" "$CONTRACT"
sed -i 's/^\(- \*\*GAP \/ not observable:\*\*\) one, three GAP/\1 three GAP/' "$CONTRACT"
t "check fails when the contract leaves out a recorded GAP" fails "$ct" check one="$tmp/one.ktap"
cp "$tmp/good.md" "$CONTRACT"
ktap "$tmp/one-gap.ktap" gap skip gap
t "norm: PCI address, hex value and time of a GAP message" bash -c \
	"'$ct' gaps one='$tmp/one-gap.ktap' | grep -qx 'gap A-1 one: allowed on edu a device at 0xN after N ms'"
t "check fails on a planted GAP that the record and contract do not list" \
	fails "$ct" check one="$tmp/one-gap.ktap"
cp "$tmp/out" "$tmp/planted"
t "... and names it" grep -q 'now {gap A-1 allowed on edu a device at 0xN after N ms}' "$tmp/planted"
cp "$RECORD" "$tmp/good-record.txt"
"$ct" record one="$tmp/one-gap.ktap" two="$tmp/two.ktap" three="$tmp/three.ktap" >/dev/null
t "check fails on a planted GAP recorded but not written into the contract" \
	fails "$ct" check one="$tmp/one-gap.ktap"
cp "$tmp/out" "$tmp/planted"
t "... and names the entry" grep -q '^not ok A-1: GAP / not observable says "none\.", the record gives "one GAP' "$tmp/planted"
cp "$tmp/good-record.txt" "$RECORD"
ktap "$tmp/one-other.ktap" pass skip gap
sed -i 's/the driver allows it/the driver allows that/' "$tmp/one-other.ktap"
t "check fails when a GAP's reason changed" fails "$ct" check one="$tmp/one-other.ktap"
ktap "$tmp/one-now.ktap" pass pass skip
t "check fails when a run differs from the record" fails "$ct" check one="$tmp/one-now.ktap"
cp "$tmp/out" "$tmp/differs"
t "... and names what changed" grep -q 'now runs {B-1}; no longer runs {C-1}' "$tmp/differs"
t "check fails on a configuration the record lacks" fails "$ct" check four="$tmp/one.ktap"
grep -v '^# Totals' "$tmp/one.ktap" >"$tmp/cut.ktap"
t "an incomplete report is an error, not an empty column" fails "$ct" derive one="$tmp/cut.ktap"

echo "contract-targets-test: $p passed, $f failed"
[ $f -eq 0 ]
