#!/usr/bin/env bash
# Build the guest's base initramfs (gzip cpio) and print its path:
# busybox-static, the statically linked suite and vm/guest/init as /init.
#   OUT=build/vm/initramfs.cpio.gz   where to write it
#   SUITE=build-static/iommu-conformance   the suite binary ("" = none)
#   EXTRA="host-path:guest-path ..."  more files, e.g. a static selftest
#       binary to /bin, or a hook to /etc/ic/pre.d/NAME.sh or post.d
# vm/run-config.sh appends a second small archive with /etc/ic/run.conf per boot.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=${OUT:-$TOP_DIR/build/vm/initramfs.cpio.gz}
SUITE=${SUITE-$TOP_DIR/build-static/iommu-conformance}
EXTRA=${EXTRA:-}
BUSYBOX=${BUSYBOX:-/bin/busybox}

[ -x "$BUSYBOX" ] || die "no $BUSYBOX; install busybox-static (vm/host-deps.sh)"
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$BUSYBOX" 2>&1 | grep -q 'not a dynamic' ||
	die "$BUSYBOX is not statically linked (install busybox-static)"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,etc/ic/pre.d,etc/ic/post.d}
cp "$BUSYBOX" "$stage/bin/busybox"
for applet in $("$BUSYBOX" --list-full); do
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
