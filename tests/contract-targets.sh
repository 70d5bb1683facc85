#!/usr/bin/env bash
# The "Targets" line of every invariant in docs/contract.md, derived from a
# run instead of written by hand: the configurations where a non-skipped
# assertion of that invariant ran, i.e. where the report's roll-up (the
# "# invariant ID VERDICT" lines after the last result line of a KTAP file)
# says pass, fail, gap or inconclusive. skip and not-observable mean nothing
# of it ran there. Next to it, the "GAP / not observable" line of every
# invariant: the configurations whose roll-up says gap or not-observable, each
# with its reason, the message of the "# GAP ID: ..." / "# NOT OBSERVABLE
# ID: ..." line (src/report/ktap.c) of the first case that observed that
# verdict for it (or that case's SKIP reason when it logged none), normalised
# so that it is stable between runs: a PCI address becomes "a device", a hex
# value 0xN, a time N ms (N us, N s ...).
#
#   derive NAME=KTAP ...   print "ID NAME NAME ..." per invariant the files
#                          name (sorted); an ID nothing ran for has no names
#   gaps NAME=KTAP ...     print "gap|not-observable ID NAME: REASON" per
#                          invariant and file that rolls it up so
#   record [NAME=KTAP ...] write docs/targets-run.txt from the files; by
#                          default a fresh model run plus every
#                          build/vm/CFG.ktap of vm/configs.cfg, in that order
#   write                  rewrite docs/contract.md's Targets and "GAP / not
#                          observable" lines from docs/targets-run.txt (the
#                          latter goes right after the Targets bullet)
#   check [NAME=KTAP ... | --all]
#                          every Targets and "GAP / not observable" line is
#                          what the record gives, and the record's column
#                          and gap lines of each NAME given (default: a fresh
#                          model run; --all: that plus every
#                          build/vm/CFG.ktap) are what that file gives now;
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

# "VERDICT ID NAME: REASON" for every invariant the KTAP file FILE (of
# configuration NAME) rolls up gap or not-observable. A case's log lines come
# before its "# invariant" lines and its result line; the lines after the
# last result line are the roll-up.
gaps_of() { # NAME FILE
	awk -v name="$1" '
	# Replace each match of re that stands as a word of its own.
	function wsub(s, re, rep, out, pre, post) {
		out = ""
		while (match(s, re)) {
			pre = RSTART > 1 ? substr(s, RSTART - 1, 1) : substr(out, length(out), 1)
			post = substr(s, RSTART + RLENGTH, 1)
			if (pre ~ /[0-9A-Za-z_-]/ || post ~ /[0-9A-Za-z_-]/)
				out = out substr(s, 1, RSTART + RLENGTH - 1)
			else
				out = out substr(s, 1, RSTART - 1) rep
			s = substr(s, RSTART + RLENGTH)
		}
		return out s
	}
	function norm(s, h, u, i, nu) {
		h = "[0-9a-fA-F]"
		s = wsub(s, "(" h h h h ":)?" h h ":" h h "\\.[0-7]", "a device")
		s = wsub(s, "0[xX]" h "+", "0xN")
		nu = split("ns us ms s", u, " ")
		for (i = 1; i <= nu; i++)
			s = wsub(s, "[0-9]+(\\.[0-9]+)? ?" u[i], "N " u[i])
		gsub(/[ \t]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s)
		return s == "" ? "no reason given" : s
	}
	function settle(i, v, k) {
		for (i = 0; i < n; i++) {
			v = verd[i]
			if (v != "gap" && v != "not-observable") continue
			k = v SUBSEP inv[i]
			if (k in why) continue
			why[k] = norm((k in msg) ? msg[k] : skip)
		}
		n = 0; split("", msg); skip = ""
	}
	BEGIN { n = 0 }
	/^# (GAP|NOT OBSERVABLE) [^ ]+: / {
		v = $2 == "GAP" ? "gap" : "not-observable"
		s = $0; sub(/^# (GAP|NOT OBSERVABLE) /, "", s)
		id = s; sub(/:.*/, "", id); sub(/^[^ ]+: */, "", s)
		if (!((v SUBSEP id) in msg)) msg[v SUBSEP id] = s
		next
	}
	/^# invariant [^ ]+ [a-z-]+$/ { inv[n] = $3; verd[n++] = $4; next }
	/^(not )?ok [0-9]+ / {
		skip = $0
		if (!sub(/.* # SKIP (gap|not observable): /, "", skip)) skip = ""
		settle(); next
	}
	/^# (Verdicts|Totals):/ {
		for (i = 0; i < n; i++)
			if (verd[i] == "gap" || verd[i] == "not-observable")
				print verd[i], inv[i], name ": " \
					(why[verd[i] SUBSEP inv[i]] == "" ? "no reason given" : why[verd[i] SUBSEP inv[i]])
		exit
	}' "$2"
}

# NAME=KTAP ... -> the gaps_of lines of each, sorted by ID, files in order.
gaps() {
	local spec name file i=0
	: >"$tmp/gaps-all"
	for spec in "$@"; do
		name=${spec%%=*} file=${spec#*=}
		[ "$name" != "$spec" ] && [ -n "$name" ] || die "not NAME=KTAP: $spec"
		[ -s "$file" ] || die "$name: no KTAP at $file"
		grep -q '^# Totals:' "$file" || die "$name: $file has no roll-up (incomplete run?)"
		gaps_of "$name" "$file" | sed "s/^/$i /" >>"$tmp/gaps-all"
		i=$((i + 1))
	done
	sort -k3,3V -k1,1n -s "$tmp/gaps-all" | cut -d' ' -f2-
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

# The generated "GAP / not observable" text of ID from the record: the
# configurations in the record's order, those with the same verdict and
# reason together.
gaps_line_of() {
	awk -v id="$1" '
		$2 != id { next }
		{ v = $1 == "gap" ? "GAP" : "N-O"; name = $3; sub(/:$/, "", name)
		  r = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", r); k = v " (" r ")"
		  if (!(k in who)) { key[n++] = k; who[k] = name } else who[k] = who[k] ", " name }
		END { if (!n) { print "none."; exit }
		      for (i = 0; i < n; i++) line = line (i ? "; " : "") who[key[i]] " " key[i]
		      print line "." }' "$GAPS"
}

contract_ids() { grep -oE '^### [A-Z]+-[0-9A-Z]+ ' "$CONTRACT" | awk '{ print $2 }'; }

GAPS_BULLET='GAP / not observable'

# The bullet LABEL (default Targets) of ID as one line (continuation lines
# joined); nothing when the entry has none.
contract_targets() {
	awk -v id="$1" -v label="- **${2:-Targets}:**" '
		/^### / { cur = $2; next }
		cur != id { next }
		index($0, label) == 1 { t = substr($0, length(label) + 1); sub(/^ +/, "", t); on = 1; next }
		on && /^  [^ -]/ { s = $0; sub(/^ +/, "", s); t = t " " s; next }
		on { print t; on = 0; exit }
		END { if (on) print t }' "$CONTRACT"
}

load_record() {
	[ -s "$RECORD" ] || die "no record at $RECORD (run: $0 record)"
	TABLE=$tmp/table
	grep -E '^[A-Z]+-[0-9A-Z]+( |$)' "$RECORD" >"$TABLE"
	GAPS=$tmp/gaps
	grep -E '^(gap|not-observable) ' "$RECORD" >"$GAPS"
}

# One check of configuration $name against the record: passes when both
# lists are empty, else names them.
tally() { # what label-a list-a label-b list-b
	if [ -z "$3$5" ]; then
		p=$((p + 1))
		return
	fi
	local l='{' r='}'
	f=$((f + 1))
	echo "not ok $name: $1${3:+; $2 $l$3$r}${5:+; $4 $l$5$r} (re-record and write)"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
derive)
	[ $# -gt 0 ] || die "derive needs NAME=KTAP arguments"
	derive "$@"
	;;
gaps)
	[ $# -gt 0 ] || die "gaps needs NAME=KTAP arguments"
	gaps "$@"
	;;
record)
	if [ $# -eq 0 ]; then
		mapfile -t inputs < <(default_inputs)
	else
		inputs=("$@")
	fi
	[ ${#inputs[@]} -gt 0 ] || die "nothing to record"
	derive "${inputs[@]}" >"$tmp/derived" || exit 2
	gaps "${inputs[@]}" >"$tmp/gapped" || exit 2
	{
		echo "# Where each invariant's assertions ran: the configurations whose report"
		echo "# rolls it up pass, fail, gap or inconclusive (not skip or not-observable)."
		echo "# Generated by tests/contract-targets.sh record; docs/contract.md's"
		echo "# Targets lines are generated from it (tests/contract-targets.sh write)."
		echo "# The \"gap|not-observable ID NAME: reason\" lines: where the roll-up is"
		echo "# GAP or NOT OBSERVABLE, with the GAP / NOT OBSERVABLE message of the first"
		echo "# case that observed it (normalised); they give the contract's"
		echo "# \"$GAPS_BULLET\" lines."
		for spec in "${inputs[@]}"; do
			f=${spec#*=}
			head=$(grep -m1 '^# iommu-conformance ' "$f" | sed 's/^# iommu-conformance //')
			health=$(grep -m1 '^# vm: ' "$f" | sed 's/^# vm: //')
			echo "# ${spec%%=*}: ${head}${health:+; vm: $health}"
		done
		echo "configs: $(for s in "${inputs[@]}"; do printf '%s ' "${s%%=*}"; done | sed 's/ $//')"
		cat "$tmp/derived" "$tmp/gapped"
	} >"$RECORD"
	echo "recorded $(wc -l <"$tmp/derived") invariants and $(wc -l <"$tmp/gapped") gap / not-observable cells over ${#inputs[@]} configurations in $RECORD"
	;;
write)
	load_record
	for id in $(contract_ids); do
		printf '%s\t%s\t%s\n' "$id" "$(targets_of "$id")" "$(gaps_line_of "$id")"
	done >"$tmp/lines"
	# The Targets bullet is replaced; the GAP bullet right after it is
	# replaced, or inserted there; one anywhere else in the entry goes.
	awk -F '\t' -v lines="$tmp/lines" -v glabel="- **$GAPS_BULLET:**" '
		BEGIN { while ((getline l < lines) > 0) { split(l, a, "\t"); gen[a[1]] = a[2]; gap[a[1]] = a[3] } }
		function flush() { if (pend) { print glabel " " gap[cur]; pend = 0 } }
		skip && /^  [^ -]/ { next }
		{ skip = 0 }
		/^### / { flush(); cur = $0; sub(/^### /, "", cur); sub(/ .*/, "", cur) }
		index($0, glabel) == 1 && (cur in gen) { flush(); skip = 1; next }
		{ flush() }
		/^- \*\*Targets:\*\*/ && (cur in gen) { print "- **Targets:** " gen[cur]; skip = 1; pend = 1; next }
		{ print }
		END { flush() }' "$CONTRACT" >"$tmp/contract"
	cp "$tmp/contract" "$CONTRACT"
	echo "wrote the Targets and $GAPS_BULLET lines of $(wc -l <"$tmp/lines") invariants from $RECORD"
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
		want=$(gaps_line_of "$id")
		got=$(contract_targets "$id" "$GAPS_BULLET")
		if [ "$got" = "$want" ]; then
			p=$((p + 1))
		else
			f=$((f + 1))
			echo "not ok $id: $GAPS_BULLET says \"$got\", the record gives \"$want\""
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
		gaps "$spec" | sort >"$tmp/gnow"
		awk -v n="$name:" '$3 == n' "$GAPS" | sort >"$tmp/gthen"
		gnew=$(comm -13 "$tmp/gthen" "$tmp/gnow" | sed "s/ $name: / /" | paste -sd\; -)
		ggone=$(comm -23 "$tmp/gthen" "$tmp/gnow" | sed "s/ $name: / /" | paste -sd\; -)
		tally "its gap / not-observable cells differ from the record" \
			"now" "$gnew" "recorded" "$ggone"
		tally "this run differs from the record" \
			"now runs" "$gained" "no longer runs" "$lost"
	done
	echo "contract-targets: $p passed, $f failed"
	[ $f -eq 0 ]
	;;
*)
	sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'
	[ -z "$cmd" ] || [ "$cmd" = help ] || [ "$cmd" = --help ] || exit 2
	;;
esac
