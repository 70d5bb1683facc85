#!/usr/bin/env bash
# Print make variables naming the uAPI headers to build against:
#   UAPI_INC          a headers_install tree of the kernel source (>= 6.15 iommufd)
#   IOMMUFD_TEST_INC  the source folder holding iommufd_test.h (mock target)
# UAPI_INC=... in the environment wins (then the mock target is built only if
# KERNEL_SRC is also given). UAPI_ARCH=arm64: that arch's headers_install.
# Progress goes to stderr.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ -n "${UAPI_INC:-}" ]; then
	echo "UAPI_INC := $UAPI_INC"
	if [ -n "${KERNEL_SRC:-}" ]; then
		echo "IOMMUFD_TEST_INC := $KERNEL_SRC/drivers/iommu/iommufd"
	fi
	exit 0
fi

# Before anything else: the packages the headers and the build need.
HOST_DEPS=build "$VM_DIR/host-deps.sh"
src=$("$VM_DIR/kernel-source.sh")
key=$(basename "$src")
[ -n "${KERNEL_SRC:-}" ] && key=user-$(echo "$src" | md5sum | cut -c1-12)
# UAPI_ARCH=arm64: that arch's headers (the asm/ folder differs per arch; the
# cross-compiled static suite for the arm64 guest uses them).
karch=${UAPI_ARCH:-}
[ -n "$karch" ] && key=$key-$karch
hdr=$CACHE_DIR/headers/$key
if [ ! -f "$hdr/include/linux/iommufd.h" ] || [ "$src/include/uapi/linux/iommufd.h" -nt "$hdr/include/linux/iommufd.h" ]; then
	phase "make headers_install ($key)"
	# Out of tree (O=), so the source stays clean for vm/kernel-build.sh's
	# O= build, which refuses a tree with generated files in it.
	make -s -C "$src" O="$CACHE_DIR/headers-build/$key" ${karch:+ARCH=$karch} headers_install INSTALL_HDR_PATH="$hdr" >&2
fi
grep -q IOMMU_HWPT_ALLOC_PASID "$hdr/include/linux/iommufd.h" ||
	die "$src has no IOMMU_HWPT_ALLOC_PASID (iommufd PASID uAPI needs >= 6.15)"
echo "UAPI_INC := $hdr/include"
if [ -f "$src/drivers/iommu/iommufd/iommufd_test.h" ]; then
	echo "IOMMUFD_TEST_INC := $src/drivers/iommu/iommufd"
fi
