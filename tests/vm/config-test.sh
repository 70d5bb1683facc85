#!/usr/bin/env bash
# vm/kernel-build.sh's config check (CONFIG_ONLY=1, no kernel build): the
# project's fragment survives olddefconfig whole, and a fragment whose
# options lack their dependencies is refused with the list of dropped ones.
# About 30 s (x86_64 and arm64 fragments, then the bad one: three tinyconfig
# runs). Prints ok / not ok lines.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

src=$(QUIET=1 "$top/vm/kernel-source.sh")
n=0
failed=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else
		echo "not ok $n $2"; failed=$((failed + 1)); sed 's/^/#   /' "$tmp/out" | head -n 12; fi
}
# A private cache keeps these throw-away configs out of the real one.
build() {
	IOMMU_CONFORMANCE_CACHE=$tmp/cache KERNEL_SRC=$src CONFIG_ONLY=1 QUIET=1 \
		"$top/vm/kernel-build.sh" >"$tmp/out" 2>&1
}

rc=0
FRAGMENT=$top/vm/kernel-config/x86_64.fragment build || rc=$?
[ "$rc" = 0 ] && grep -q '^CONFIG_IOMMUFD_TEST=y' "$(tail -n1 "$tmp/out")"
result $? "the x86_64 fragment keeps every option (IOMMUFD_TEST included)"

rc=0
ARCH=arm64 FRAGMENT=$top/vm/kernel-config/arm64.fragment build || rc=$?
[ "$rc" = 0 ] && grep -q '^CONFIG_ARM_SMMU_V3=y' "$(tail -n1 "$tmp/out")"
result $? "the arm64 fragment keeps every option (ARM_SMMU_V3 included)"

printf 'CONFIG_64BIT=y\nCONFIG_PCI=y\nCONFIG_VIRTIO_IOMMU=y\nCONFIG_IOMMUFD_TEST=y\n' >"$tmp/bad.fragment"
rc=0
FRAGMENT=$tmp/bad.fragment build || rc=$?
[ "$rc" = 2 ] && grep -qx '  *CONFIG_VIRTIO_IOMMU=y' "$tmp/out" &&
	grep -qx '  *CONFIG_IOMMUFD_TEST=y' "$tmp/out" && ! grep -q 'CONFIG_PCI=y' "$tmp/out"
result $? "options with missing dependencies are listed, exit 2"

rc=0
FRAGMENT=$tmp/none build || rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$tmp/out")" = 1 ]
result $? "a missing fragment is a one-line error"

rc=0
KERNEL=$tmp/no-such-image "$top/vm/kernel-build.sh" >"$tmp/out" 2>&1 || rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$tmp/out")" = 1 ]
result $? "KERNEL= naming no file is a one-line error"

echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
