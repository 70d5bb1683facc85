#!/usr/bin/env bash
# The suite's vm/configs.cfg reader (`iommu-conformance configs`,
# src/cli/configs.c) against the harness's (vm/cfg.sh):
#  - on vm/configs.cfg: the same configuration names in the same order, and
#    for every configuration and every documented key the same value;
#  - the file reads cleanly (make vm-check checks it before booting);
#  - each malformed file below exits 2 with one "error: FILE:LINE:" line.
# Ends with "configs: N passed, N failed".
#   BIN=build/iommu-conformance  CFG=vm/configs.cfg
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$top/build/iommu-conformance}
CFG=${CFG:-$top/vm/configs.cfg}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
notok() { fail=$((fail + 1)); echo "not ok $*"; }

VM_DIR=$top/vm CONFIGS_CFG=$CFG
. "$top/vm/cfg.sh"

if "$BIN" configs "$CFG" >"$tmp/names" 2>"$tmp/err"; then
	ok
else
	notok "$CFG does not read cleanly: $(cat "$tmp/err")"
fi
if cfg_names | cmp -s - "$tmp/names"; then
	ok
else
	notok "configuration names differ from cfg_names: $(cfg_names | tr '\n' ' ') / $(tr '\n' ' ' <"$tmp/names")"
fi
# The documented keys: the "#   key" words of the file's header.
keys=$(sed -n 's/^#   \([a-z_]*\) .*/\1/p; s/^#   \([a-z_]*\)$/\1/p' "$CFG" | tr '\n' ' ')
keys="$keys qemu machine cpu smp memory" # named on others' lines in the header
diffs=0
for c in $(cfg_names); do
	for k in $keys; do
		want=$(cfg_get "$c" "$k")
		got=$("$BIN" configs "$CFG" "$c" "$k" 2>&1)
		if [ "$want" != "$got" ]; then
			notok "[$c] $k: cfg.sh reads '$want', the suite '$got'"
			diffs=$((diffs + 1))
		fi
	done
done
[ $diffs = 0 ] && ok

# Malformed files: exit 2 and one "error: FILE:LINE: ..." line each.
bad() { # name content
	printf '%b' "$2" >"$tmp/$1.cfg"
	"$BIN" configs "$tmp/$1.cfg" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
		grep -q "^error: $tmp/$1.cfg:[0-9]*: " "$tmp/err"; then
		ok
	else
		notok "$1: exit $rc, stderr: $(cat "$tmp/err")"
	fi
}
bad stray '[a]\nviommu = x\nthis line is nothing\n'
bad unknown-key '[a]\nviomu = -device intel-iommu\n'
bad repeated-key '[a]\nviommu = x\nviommu = y\n'
bad repeated-stanza '[a]\n[b]\n[a]\n'
bad outside '# header\nviommu = x\n[a]\n'
bad indented-stanza '[a]\n [b]\n'
bad spaced-key '[a]\nvi ommu = x\n'
bad crlf '[a]\r\nviommu = x\r\n'
bad stanza-name '[a/b]\n'
bad stanza-tail '[a] b\n'
bad nul '[a]\nviommu = x\0y\n'
echo "configs: $pass passed, $fail failed"
[ $fail = 0 ]
