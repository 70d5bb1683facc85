#!/usr/bin/env bash
# The "Targets" line of every invariant in docs/contract.md, derived from a
# run instead of written by hand: the configurations where a non-skipped
# assertion of that invariant ran, i.e. where the report's roll-up (the
# "# invariant ID VERDICT" lines after the last result line of a KTAP file)
# says pass, fail, gap or inconclusive. skip and not-observable mean nothing
# of it ran there.
#
#   derive NAME=KTAP ...   print "ID NAME NAME ..." per invariant the files
#                          name (sorted); an ID nothing ran for has no names
#   record [NAME=KTAP ...] write docs/targets-run.txt from the files; by
#                          default a fresh model run plus every
#                          build/vm/CFG.ktap of vm/configs.cfg, in that order
#   write                  rewrite docs/contract.md's Targets lines from
#                          docs/targets-run.txt
#   check [NAME=KTAP ... | --all]
#                          every Targets line is what the record gives, and
#                          the record's column of each NAME given (default:
#                          a fresh model run; --all: that plus every
#                          build/vm/CFG.ktap) is what that file gives now;
#                          "contract-targets: N passed, N failed", exit 1 on
#                          any failure
#   BIN=path/to/iommu-conformance (default build/iommu-conformance)
#   CONTRACT=docs/contract.md  RECORD=docs/targets-run.txt
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$top/build/iommu-conformance}
CONTRACT=${CONTRACT:-$top/docs/contract.md}
RECORD=${RECORD:-$top/docs/targets-run.txt}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

die() {
	echo "error: $*" >&2
	exit 2
}

# "ID VERDICT" of a KTAP file's roll-up; empty output when it has none.
rollup() {
	awk '/^(not )?ok [0-9]+ / { n = 0; next }
	     /^# invariant [^ ]+ [a-z-]+$/ { inv[n++] = $3 " " $4; next }
	     /^# Totals:/ { for (i = 0; i < n; i++) print inv[i]; exit }' "$1"
}

ran() { # verdict: did an assertion of the invariant run?
	case $1 in pass | fail | gap | inconclusive) return 0 ;; esac
	return 1
}

# NAME=KTAP ... -> "ID NAME..." lines, every ID any file names.
derive() {
	local spec name file id v
	: >"$tmp/pairs"
	for spec in "$@"; do
		name=${spec%%=*} file=${spec#*=}
		[ "$name" != "$spec" ] && [ -n "$name" ] || die "not NAME=KTAP: $spec"
		[ -s "$file" ] || die "$name: no KTAP at $file"
		rollup "$file" >"$tmp/r"
		[ -s "$tmp/r" ] || die "$name: $file has no roll-up (incomplete run?)"
		while read -r id v; do
			if ran "$v"; then
				echo "$id $name"
			else
				echo "$id"
			fi
		done <"$tmp/r" >>"$tmp/pairs"
	done
	# One line per ID, names in the order the files were given.
	awk -v order="$(for s in "$@"; do printf '%s ' "${s%%=*}"; done)" '
		BEGIN { n = split(order, o, " ") }
		{ ids[$1] = 1; if (NF > 1) has[$1 SUBSEP $2] = 1 }
		END { for (id in ids) { line = id
			for (i = 1; i <= n; i++) if ((id SUBSEP o[i]) in has) line = line " " o[i]
			print line } }' "$tmp/pairs" | sort -V
}

model_run() { # out: a fresh run on the model's default profile
	[ -x "$BIN" ] || die "$BIN not built (run make)"
	"$BIN" run --target model --format ktap --output "$1" >/dev/null 2>&1
	[ -s "$1" ] || die "the model run wrote no report"
}

default_inputs() {
	local cfg
	model_run "$tmp/model.ktap"
	echo "model=$tmp/model.ktap"
	for cfg in $(sed -n 's/^\[\([^]]*\)\].*/\1/p' "$top/vm/configs.cfg"); do
		[ "$cfg" = defaults ] && continue
		[ -s "$top/build/vm/$cfg.ktap" ] && echo "$cfg=$top/build/vm/$cfg.ktap"
	done
}

# The record's configurations, in order.
record_configs() { sed -n 's/^configs: //p' "$RECORD"; }

# The generated Targets text of ID from the record.
targets_of() {
	local names
	names=$(awk -v id="$1" '$1 == id { $1 = ""; sub(/^ /, ""); print; exit }' "$TABLE")
	if [ -z "$names" ]; then
		echo "none: no assertion of it ran in the recorded run."
	else
		echo "${names// /, }."
	fi
}

contract_ids() { grep -oE '^### [A-Z]+-[0-9A-Z]+ ' "$CONTRACT" | awk '{ print $2 }'; }

# The Targets bullet of ID as one line (continuation lines joined).
contract_targets() {
	awk -v id="$1" '
		/^### / { cur = $2; next }
		cur != id { next }
		/^- \*\*Targets:\*\*/ { t = $0; sub(/^- \*\*Targets:\*\* */, "", t); on = 1; next }
		on && /^  [^ -]/ { s = $0; sub(/^ +/, "", s); t = t " " s; next }
		on { print t; on = 0; exit }
		END { if (on) print t }' "$CONTRACT"
}

load_record() {
	[ -s "$RECORD" ] || die "no record at $RECORD (run: $0 record)"
	TABLE=$tmp/table
	grep -E '^[A-Z]+-[0-9A-Z]+( |$)' "$RECORD" >"$TABLE"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
derive)
	[ $# -gt 0 ] || die "derive needs NAME=KTAP arguments"
	derive "$@"
	;;
record)
	if [ $# -eq 0 ]; then
		mapfile -t inputs < <(default_inputs)
	else
		inputs=("$@")
	fi
	[ ${#inputs[@]} -gt 0 ] || die "nothing to record"
	derive "${inputs[@]}" >"$tmp/derived" || exit 2
	{
		echo "# Where each invariant's assertions ran: the configurations whose report"
		echo "# rolls it up pass, fail, gap or inconclusive (not skip or not-observable)."
		echo "# Generated by tests/contract-targets.sh record; docs/contract.md's"
		echo "# Targets lines are generated from it (tests/contract-targets.sh write)."
		for spec in "${inputs[@]}"; do
			f=${spec#*=}
			head=$(grep -m1 '^# iommu-conformance ' "$f" | sed 's/^# iommu-conformance //')
			health=$(grep -m1 '^# vm: ' "$f" | sed 's/^# vm: //')
			echo "# ${spec%%=*}: ${head}${health:+; vm: $health}"
		done
		echo "configs: $(for s in "${inputs[@]}"; do printf '%s ' "${s%%=*}"; done | sed 's/ $//')"
		cat "$tmp/derived"
	} >"$RECORD"
	echo "recorded $(wc -l <"$tmp/derived") invariants over ${#inputs[@]} configurations in $RECORD"
	;;
write)
	load_record
	for id in $(contract_ids); do
		printf '%s\t%s\n' "$id" "$(targets_of "$id")"
	done >"$tmp/lines"
	awk -F '\t' -v lines="$tmp/lines" '
		BEGIN { while ((getline l < lines) > 0) { split(l, a, "\t"); gen[a[1]] = a[2] } }
		/^### / { cur = $0; sub(/^### /, "", cur); sub(/ .*/, "", cur) }
		skip && /^  [^ -]/ { next }
		{ skip = 0 }
		/^- \*\*Targets:\*\*/ && (cur in gen) { print "- **Targets:** " gen[cur]; skip = 1; next }
		{ print }' "$CONTRACT" >"$tmp/contract"
	cp "$tmp/contract" "$CONTRACT"
	echo "wrote the Targets lines of $(wc -l <"$tmp/lines") invariants from $RECORD"
	;;
check)
	load_record
	p=0 f=0
	for id in $(contract_ids); do
		want=$(targets_of "$id")
		got=$(contract_targets "$id")
		if [ "$got" = "$want" ]; then
			p=$((p + 1))
		else
			f=$((f + 1))
			echo "not ok $id: Targets says \"$got\", the record gives \"$want\""
		fi
	done
	# IDs the record has that the contract lacks.
	for id in $(awk '{ print $1 }' "$TABLE"); do
		contract_ids | grep -qx "$id" && continue
		f=$((f + 1))
		echo "not ok $id: in the record, not in $CONTRACT"
	done
	if [ $# -eq 0 ]; then
		model_run "$tmp/model.ktap"
		set -- "model=$tmp/model.ktap"
	elif [ "$1" = --all ]; then
		mapfile -t inputs < <(default_inputs)
		set -- "${inputs[@]}"
	fi
	configs=" $(record_configs) "
	for spec in "$@"; do
		name=${spec%%=*}
		if [[ $configs != *" $name "* ]]; then
			f=$((f + 1))
			echo "not ok $name: not a configuration of the record (re-record)"
			continue
		fi
		derive "$spec" | awk -v n="$name" '{ for (i = 2; i <= NF; i++) if ($i == n) print $1 }' |
			sort >"$tmp/now"
		awk -v n="$name" '{ for (i = 2; i <= NF; i++) if ($i == n) print $1 }' "$TABLE" |
			sort >"$tmp/then"
		gained=$(comm -13 "$tmp/then" "$tmp/now" | paste -sd, -)
		lost=$(comm -23 "$tmp/then" "$tmp/now" | paste -sd, -)
		if [ -z "$gained$lost" ]; then
			p=$((p + 1))
		else
			f=$((f + 1))
			echo "not ok $name: this run differs from the record${gained:+; now runs {$gained}}${lost:+; no longer runs {$lost}} (re-record and write)"
		fi
	done
	echo "contract-targets: $p passed, $f failed"
	[ $f -eq 0 ]
	;;
*)
	sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'
	[ -z "$cmd" ] || [ "$cmd" = help ] || [ "$cmd" = --help ] || exit 2
	;;
esac
