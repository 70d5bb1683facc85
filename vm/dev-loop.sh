#!/usr/bin/env bash
# A driver author's loop, as bench/dev-loop.sh and tests/vm/dev-loop-test.sh
# run it: a user tree (a hard-linked copy of the cached Debian source at a
# stable path, so its kbuild O= directory stays warm between runs) gets an
# uncommitted one-line edit in drivers/iommu/iommufd/main.c that prints
# TOKEN at boot, and `KERNEL_SRC=tree make vm-check` runs on it.
#   vm/dev-loop.sh TOKEN          VM_CONFIGS (default mock), OUT_DIR
# Prints "dev-loop: edit-to-matrix Ns (kernel build Ns) token seen|missing"
# and exits 0 when the token reached the guest's console.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 1 ] || die "usage: vm/dev-loop.sh TOKEN"
token=$1
case $token in *[!A-Za-z0-9_-]*) die "TOKEN: letters, digits, - and _ only" ;; esac
configs=${VM_CONFIGS:-mock}
out=${OUT_DIR:-$TOP_DIR/build/dev-loop}

src=$(KERNEL_SRC='' "$VM_DIR/kernel-source.sh")
tree=$CACHE_DIR/dev-loop/$(basename "$src")
if [ ! -f "$tree/.complete" ]; then
	phase "dev-loop: a user tree at $tree (hard links to $src)"
	rm -rf "$tree"
	mkdir -p "$(dirname "$tree")"
	cp -al "$src" "$tree"
	touch "$tree/.complete"
fi
# One edit-build-boot at a time on the tree: a second run's edit must not
# land between this one's edit and its build.
exec 9>"$tree.lock"
flock 9
file=drivers/iommu/iommufd/main.c
# The edit replaces the file (never writes through a hard link into $src).
cp --remove-destination "$src/$file" "$tree/$file"
sed -i "/^static int __init iommufd_init(void)/,/^}/ s|^\tint ret;|\tint ret;\n\n\tpr_info(\"iommu-conformance dev-loop $token\\\\n\");|" "$tree/$file"
grep -q "dev-loop $token" "$tree/$file" || die "the marker edit did not apply to $tree/$file"

t0=$(date +%s)
mkdir -p "$out"
set +e
KERNEL_SRC=$tree VM_CONFIGS=$configs OUT_DIR=$out "$TOP_DIR/vm/vm-check.sh" >"$out/vm-check.log" 2>&1
set -e
t1=$(date +%s)
bsecs=$(cat "$(ls -t "$CACHE_DIR"/kernel/user-*/last-build-seconds 2>/dev/null | head -n1)" 2>/dev/null || true)
seen=missing
for c in $configs; do
	grep -q "iommu-conformance dev-loop $token" "$out/$c.console" 2>/dev/null && seen=seen
done
echo "dev-loop: edit-to-matrix $((t1 - t0))s (kernel build ${bsecs:-?}s) token $seen ($configs)"
[ "$seen" = seen ]
