#!/usr/bin/env bash
# Judge the VM run's per-configuration KTAP files against vm/known-findings.txt.
#   PASS                               -> passed
#   SKIP                               -> skipped
#   FAIL listed as a known finding     -> passed ("finding reproduced")
#   FAIL not listed                    -> failed
#   listed, but did not FAIL           -> failed ("finding gone: update the list")
#   guest health not ok / no KTAP      -> failed
# Usage: tests/vm/check-results.sh [DIR] (default build/vm); the configurations
# are the *.ktap files named in vm/configs.cfg that exist in DIR.
# Ends with "N passed, N failed, N skipped".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$top/build/vm}
known=$top/vm/known-findings.txt
[ -d "$dir" ] || { echo "error: no VM results in $dir (run make vm-check)" >&2; exit 2; }

# The invariants case ID of a KTAP file failed (fail or inconclusive),
# sorted and comma-joined: the "# invariant X fail" lines before its result.
failed_invariants() { # ktap id
	awk -v id="$2" '/^# invariant [^ ]+ (fail|inconclusive)$/ { f[$3] = 1; next }
		/^(not )?ok [0-9]+ / { if ($0 ~ ("^(not )?ok [0-9]+ " id "( |$)")) { for (k in f) print k; exit }
				       delete f }' "$1" | sort -u | paste -sd, -
}

configs=$(sed -n 's/^\[\([^]]*\)\].*/\1/p' "$top/vm/configs.cfg")
p=0 f=0 s=0 judged=0
for cfg in $configs; do
	ktap=$dir/$cfg.ktap
	if [ ! -s "$ktap" ]; then
		# vm-check may have been limited with VM_CONFIGS=; only judge what ran.
		continue
	fi
	judged=$((judged + 1))
	health=$(sed -n 's/^# vm: \([a-z-]*\).*/\1/p' "$ktap" | tail -n1)
	if [ "$health" != ok ]; then
		echo "not ok $cfg: guest health '${health:-missing}'"
		f=$((f + 1))
	fi
	listed=$(awk -v c="$cfg" '!/^#/ && $1 == c { print $2 }' "$known" | sort -u)
	while read -r status id; do
		is_listed=0
		grep -qxF "$id" <<<"$listed" && is_listed=1
		case $status in
		pass) if [ $is_listed = 1 ]; then
				echo "not ok $cfg $id: listed as a known finding but passed (update vm/known-findings.txt)"
				f=$((f + 1))
			else
				p=$((p + 1))
			fi ;;
		skip) s=$((s + 1)) ;;
		fail) if [ $is_listed = 1 ]; then
				# The finding names the invariants it breaks: the case
				# must fail those and nothing else, or it fails for
				# another reason than the known one.
				read -r why want < <(awk -v c="$cfg" -v i="$id" '$1 == c && $2 == i { print $3, $4; exit }' "$known")
				got=$(failed_invariants "$ktap" "$id")
				if [ -n "$want" ] && [ "$got" != "$(tr ',' '\n' <<<"$want" | sort -u | paste -sd, -)" ]; then
					echo "not ok $cfg $id: listed as $why (fails $want) but fails {$got}"
					f=$((f + 1))
				else
					echo "ok $cfg $id: known finding reproduced ($why${want:+: $want})"
					p=$((p + 1))
				fi
			else
				echo "not ok $cfg $id: FAIL"
				f=$((f + 1))
			fi ;;
		esac
	done < <(awk '/^ok [0-9]+ .* # SKIP/ { print "skip", $3; next }
		      /^ok [0-9]+ / { print "pass", $3; next }
		      /^not ok [0-9]+ / { print "fail", $4 }' "$ktap")
	# A listed case that never ran (truncated run) is also a changed result.
	for id in $listed; do
		grep -qE "^(not )?ok [0-9]+ $id( |$)" "$ktap" || {
			echo "not ok $cfg $id: listed as a known finding but did not run"
			f=$((f + 1))
		}
	done
done
if [ "$judged" -eq 0 ]; then
	echo "not ok: no configuration's KTAP in $dir"
	f=$((f + 1))
fi
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
