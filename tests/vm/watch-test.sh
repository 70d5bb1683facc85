#!/usr/bin/env bash
# The hang watchdog (vm/qemu.sh qemu_watch) without QEMU: a command that
# keeps writing is slow, not hung, and runs to its end past the stall budget;
# a silent one is killed after the stall budget; the cap holds; the longest
# silence is measured; the live link exists while it runs and goes after.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../vm/lib.sh"
. "$VM_DIR/cfg.sh"
. "$VM_DIR/qemu.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
p=0 f=0
t() { # description command...
	local what=$1
	shift
	if "$@"; then echo "ok $what"; p=$((p + 1)); else echo "not ok $what"; f=$((f + 1)); fi
}

# Writes a line a second for 5 s (longer than the 3 s stall budget).
chatty() { for _ in 1 2 3 4 5; do echo tick >>"$tmp/a.out"; sleep 1; done; }
: >"$tmp/a.out" ; : >"$tmp/a.ktap"
s0=$(date +%s)
QEMU_LIVE=$tmp/live qemu_watch 30 3 "$tmp/a.out $tmp/a.ktap" chatty
st=$? s1=$(date +%s)
t "a guest that keeps writing outlives the stall budget (exit $st)" test "$st" = 0
t "its longest silence is measured ($QEMU_LONGEST_SILENCE s, under 3)" test "$QEMU_LONGEST_SILENCE" -lt 3
t "the live link is gone afterwards" test ! -e "$tmp/live" -a ! -L "$tmp/live"

: >"$tmp/b.out"
s0=$(date +%s)
qemu_watch 30 3 "$tmp/b.out" sleep 20
st=$? s1=$(date +%s)
t "a silent guest is killed after the stall budget (exit $st, $((s1 - s0)) s)" \
	test "$st" = 124 -a $((s1 - s0)) -lt 15
chatty_forever() { while :; do echo tick >>"$tmp/c.out"; sleep 1; done; }
: >"$tmp/c.out"
s0=$(date +%s)
qemu_watch 4 3 "$tmp/c.out" chatty_forever
st=$? s1=$(date +%s)
t "the cap ends even a writing guest (exit $st, $((s1 - s0)) s)" test "$st" = 124 -a $((s1 - s0)) -lt 15
echo "$p passed, $f failed"
[ "$f" = 0 ]
