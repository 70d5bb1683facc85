#!/usr/bin/env bash
# The driver author's loop, timed (issue 13): edit one driver file in a user
# tree (uncommitted), `KERNEL_SRC=tree VM_CONFIGS=intel make vm-check`, and
# again with a second edit. The first run may be a cold kbuild of the tree;
# the second is the figure: edit to matrix, goal <= 90 s. Figures, never
# assertions.
#   VM_CONFIGS=intel (default)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
export VM_CONFIGS=${VM_CONFIGS:-intel}
for edit in first second; do
	line=$(OUT_DIR=$top/build/dev-loop "$top/vm/dev-loop.sh" "bench-$edit-$$" 2>/dev/null | tail -n1)
	echo "$edit edit: ${line#dev-loop: }"
done
