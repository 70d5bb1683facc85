#!/usr/bin/env bash
# A user's uncommitted edit reaches the guest (issue 13): KERNEL_SRC= on a
# tree edited twice, each edit printing its own token at boot, booted on the
# mock configuration (the quickest guest). Both tokens must show, each in its
# own boot, and the second boot must not show the first (so the second edit
# was rebuilt, not served from a cache).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/dev-loop-test
p=0 f=0
t() {
	local what=$1
	shift
	if "$@"; then echo "ok $what"; p=$((p + 1)); else echo "not ok $what"; f=$((f + 1)); fi
}
a=edit-a-$$ b=edit-b-$$
t "first edit ($a) reaches the guest: $(OUT_DIR=$out VM_CONFIGS=mock "$top/vm/dev-loop.sh" "$a" 2>/dev/null | tail -n1)" \
	grep -q "dev-loop $a" "$out/mock.console"
t "second edit ($b) reaches the guest: $(OUT_DIR=$out VM_CONFIGS=mock "$top/vm/dev-loop.sh" "$b" 2>/dev/null | tail -n1)" \
	grep -q "dev-loop $b" "$out/mock.console"
t "the second boot runs the second edit only" bash -c "! grep -q 'dev-loop $a' '$out/mock.console'"
echo "$p passed, $f failed"
[ "$f" = 0 ]
