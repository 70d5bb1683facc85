#!/usr/bin/env bash
# Build the guest's base initramfs (gzip cpio) and print its path:
# busybox-static, the statically linked suite and vm/guest/init as /init.
#   OUT=build/vm/initramfs.cpio.gz   where to write it
#   ARCH=x86_64|arm64                  the guest's arch: picks the defaults of
#                                      SUITE and BUSYBOX below
#   SUITE=build-static/iommu-conformance   the suite binary ("" = none;
#       arm64: build-static-arm64/, from make static-arm64)
#   BUSYBOX=/bin/busybox               (arm64: the busybox-static:arm64 that
#       vm/host-deps.sh unpacks into the cache)
#   REPRO=build-static/repro           the standalone finding reproducers
#       (tools/repro/, built by make static) to /bin; missing: none
#   EXTRA="host-path:guest-path ..."  more files, e.g. a static selftest
#       binary to /bin, or a hook to /etc/ic/pre.d/NAME.sh or post.d
# vm/run-config.sh appends a second small archive with /etc/ic/run.conf per boot.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=${OUT:-$TOP_DIR/build/vm/initramfs.cpio.gz}
case ${ARCH:-x86_64} in
x86_64) suite_def=$TOP_DIR/build-static/iommu-conformance; busybox_def=/bin/busybox
	repro_def=$TOP_DIR/build-static/repro ;;
arm64) suite_def=$TOP_DIR/build-static-arm64/iommu-conformance
	busybox_def=$CACHE_DIR/busybox-arm64/bin/busybox
	repro_def=$TOP_DIR/build-static-arm64/repro ;;
*) die "ARCH=$ARCH: no initramfs for it (have: x86_64 arm64)" ;;
esac
SUITE=${SUITE-$suite_def}
REPRO=${REPRO-$repro_def}
EXTRA=${EXTRA:-}
BUSYBOX=${BUSYBOX:-$busybox_def}

[ -x "$BUSYBOX" ] || die "no $BUSYBOX; install busybox-static (vm/host-deps.sh; arm64: its busybox-static:arm64)"
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$BUSYBOX" 2>&1 | grep -q 'not a dynamic' ||
	die "$BUSYBOX is not statically linked (install busybox-static)"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,etc/ic/pre.d,etc/ic/post.d}
cp "$BUSYBOX" "$stage/bin/busybox"
# A foreign-arch busybox does not run here: the host's busybox-static (the
# same Debian version and build) lists the applets instead.
applets=$("$BUSYBOX" --list-full 2>/dev/null) || applets=$(/bin/busybox --list-full) ||
	die "cannot list the busybox applets"
for applet in $applets; do
	[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done
install -m 0755 "$VM_DIR/guest/init" "$stage/init"

if [ -n "$SUITE" ]; then
	[ -x "$SUITE" ] || die "SUITE=$SUITE: not built (make static), or set SUITE= for none"
	if ! file -L "$SUITE" | grep -q 'statically linked'; then
		die "SUITE=$SUITE is not statically linked (make static)"
	fi
	cp "$SUITE" "$stage/bin/iommu-conformance"
fi

# The reproducers run by hand or as a configuration's cmd (vm/README.md).
if [ -n "$REPRO" ] && [ -d "$REPRO" ]; then
	for bin in "$REPRO"/*; do
		[ -x "$bin" ] && [ -f "$bin" ] || continue
		file -L "$bin" | grep -q 'statically linked' ||
			die "REPRO: $bin is not statically linked (make static)"
		cp "$bin" "$stage/bin/"
	done
fi

for pair in $EXTRA; do
	from=${pair%%:*}
	to=${pair#*:}
	if [ "$from" = "$pair" ] || [ -z "$to" ]; then
		die "EXTRA entry '$pair' is not host-path:guest-path"
	fi
	[ -e "$from" ] || die "EXTRA: no such file $from"
	mkdir -p "$stage/$(dirname "$to")"
	cp -a "$from" "$stage/$to"
done

# The kernel opens /dev/console before /init runs; without the node /init
# still works (it mounts devtmpfs and reopens), but the early output is lost.
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$stage/dev/console" c 5 1
fi

mkdir -p "$(dirname "$OUT")"
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --quiet) | gzip -6 >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
phase "initramfs: $OUT ($(du -k "$OUT" | cut -f1) KiB${SUITE:+, suite $(basename "$SUITE")})"
echo "$OUT"
