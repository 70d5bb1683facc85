#!/usr/bin/env bash
# Print the path of a guest kernel image (bzImage; Image on arm64) built for the conformance VMs.
#   KERNEL=/path/bzImage  use a ready x86_64 image as it is (nothing is built)
#   KERNEL_arm64=/path/Image, KERNEL_x86_64=...  a ready image per arch
#   KERNEL_SRC=/path      build the user's tree, incrementally (one stable
#                         O= directory per tree path, arch and fragment)
#   otherwise             build Debian's kernel source (vm/kernel-source.sh)
# The image is cached at $CACHE_DIR/kernel/<srcversion>-<confighash>/bzImage,
# keyed by source version + hash of the config fragment + arch: a second run
# reuses it. Progress goes to stderr; only the image path goes to stdout.
#   ARCH=x86_64 (default) or arm64 (cross-built with aarch64-linux-gnu-)
#   JOBS=3 (default)
#   FRAGMENT=file    another config fragment (default kernel-config/ARCH.fragment)
#   CONFIG_ONLY=1    stop after the config check; print the .config path
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ARCH=${ARCH:-x86_64}
JOBS=${JOBS:-3}

# A ready image: KERNEL_<arch>= (KERNEL_x86_64, KERNEL_arm64) for that arch,
# KERNEL= for x86_64 only. The image's own header must say the same arch.
ready_var=KERNEL_$ARCH
ready=${!ready_var:-}
if [ -z "$ready" ] && [ -n "${KERNEL:-}" ]; then
	[ "$ARCH" = x86_64 ] ||
		die "KERNEL= is the x86_64 image; for $ARCH configurations set KERNEL_$ARCH= (or leave both unset to build)"
	ready=$KERNEL ready_var=KERNEL
fi
if [ -n "$ready" ]; then
	[ -f "$ready" ] || die "$ready_var=$ready: no such file"
	got=$(image_arch "$ready")
	[ "$got" = "$ARCH" ] || die "$ready_var=$ready is a $got image, not $ARCH"
	echo "$ready"
	exit 0
fi

# karch: the kernel's ARCH=; srcarch: its folder under arch/; cross: the
# CROSS_COMPILE prefix (CROSS_COMPILE= overrides; empty for a native build).
case $ARCH in
x86_64) image_rel=arch/x86/boot/bzImage; karch=x86_64; srcarch=x86; cross=${CROSS_COMPILE:-} ;;
arm64) image_rel=arch/arm64/boot/Image; karch=arm64; srcarch=arm64
	cross=${CROSS_COMPILE-aarch64-linux-gnu-}
	command -v "${cross}gcc" >/dev/null ||
		die "${cross}gcc missing (vm/host-deps.sh installs gcc-aarch64-linux-gnu)" ;;
*) die "ARCH=$ARCH: no kernel config fragment for it (have: x86_64 arm64)" ;;
esac
fragment=${FRAGMENT:-$VM_DIR/kernel-config/$ARCH.fragment}
[ -f "$fragment" ] || die "missing config fragment $fragment"

src=$("$VM_DIR/kernel-source.sh")
kver=$(make -s -C "$src" kernelversion 2>/dev/null) || die "$src: cannot read kernelversion"
srcname=$(basename "$src")
# A user's tree changes under the same path, committed or not, git or not:
# kbuild is its cache. One stable O= directory per (tree path, arch,
# fragment), and every run calls make there: an unchanged tree is a no-op
# build, an edited file rebuilds only what depends on it.
# vm/mutate.sh (REBUILD=1) does the same on the cached Debian tree it patches.
extra="" incremental=${REBUILD:-0}
if [ -n "${KERNEL_SRC:-}" ]; then
	extra="$src"
	srcname=user-$kver
	incremental=1
fi
hash=$( { cat "$fragment"; echo "$ARCH $extra"; } | sha256sum | cut -c1-12)
key=$srcname-$hash
out=$CACHE_DIR/kernel/$key
bdir=$CACHE_DIR/kernel-build/$key
# A rebuild of the patched Debian tree shares the build directory but never
# the cached pristine image.
[ "${REBUILD:-0}" = 1 ] && [ -z "${KERNEL_SRC:-}" ] && out=$CACHE_DIR/mutate/image-$key
image=$out/$(basename "$image_rel")
# PRINT_BUILD=1: also say where it was built, for vm/mutate.sh.
built() {
	if [ "${PRINT_BUILD:-0}" = 1 ]; then
		printf '%s %s %s %s %s %s\n' "$image" "$src" "$bdir" "$karch" "${cross:--}" "$image_rel"
	else
		echo "$image"
	fi
}

if [ -f "$image" ] && [ "${CONFIG_ONLY:-0}" != 1 ] && [ "$incremental" != 1 ]; then
	phase "kernel: cached $image"
	built
	exit 0
fi

mkdir -p "$out"
# vm/mutate.sh patches the cached Debian tree in place: no build of that tree
# may read it meanwhile (mutate holds the lock exclusively and says so with
# TREE_LOCK_HELD=1 to the builds it runs itself).
if [ -z "${KERNEL_SRC:-}" ] && [ "${TREE_LOCK_HELD:-0}" != 1 ]; then
	exec 8>"$CACHE_DIR/.debian-tree.lock"
	if ! flock -s -n 8; then
		phase "kernel: vm/mutate.sh is using the source tree; waiting for it"
		flock -s 8
	fi
fi
# Several engineers (and CI jobs) may ask for the same image at once: build once.
exec 9>"$out/.lock"
if ! flock -n 9; then
	phase "kernel: another build of $key is running; waiting for it"
	flock 9
fi
if [ -f "$image" ] && [ "${CONFIG_ONLY:-0}" != 1 ] && [ "$incremental" != 1 ]; then
	phase "kernel: cached $image"
	built
	exit 0
fi

mkdir -p "$bdir"
# An O= build refuses a source tree holding generated files (an in-tree
# headers_install leaves some). The cached Debian tree is ours to tidy; only
# the paths kbuild checks go, so an in-tree usr/include others use survives.
if [ -z "${KERNEL_SRC:-}" ]; then
	rm -rf "$src/arch/$srcarch/include/generated" "$src/include/generated"
elif [ -e "$src/.config" ] || [ -d "$src/include/config" ] ||
	[ -d "$src/arch/$srcarch/include/generated" ]; then
	die "KERNEL_SRC=$src has build output in it; run 'make mrproper' there (the VM kernel builds with O=)"
fi
log=$out/build.log
# The fragment is in the key, so a build directory with a .config has the
# right one: configuring again would only rewrite it (and rebuild more).
if [ ! -f "$bdir/.config" ] || [ "$incremental" != 1 ]; then
	phase "kernel: configuring $kver ($srcname) tinyconfig + $(basename "$fragment") in $bdir"
	make -s -C "$src" O="$bdir" ARCH="$karch" CROSS_COMPILE="$cross" tinyconfig >"$log" 2>&1 ||
		die "make tinyconfig failed; see $log"
	(cd "$src" && scripts/kconfig/merge_config.sh -m -O "$bdir" "$bdir/.config" "$fragment") >>"$log" 2>&1 ||
		die "merge_config.sh failed; see $log"
	make -s -C "$src" O="$bdir" ARCH="$karch" CROSS_COMPILE="$cross" olddefconfig >>"$log" 2>&1 ||
		die "make olddefconfig failed; see $log"
else
	: >"$log"
fi

# Every option the fragment asks for must have survived: Kconfig drops an
# option whose dependency is missing without a word.
dropped=()
while IFS= read -r line; do
	case $line in
	CONFIG_*=*) grep -qxF "$line" "$bdir/.config" || dropped+=("$line") ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		grep -q "^$opt=" "$bdir/.config" && dropped+=("$line") ;;
	esac
done <"$fragment"
if [ ${#dropped[@]} -gt 0 ]; then
	{
		echo "error: these options of $fragment are not in $bdir/.config after olddefconfig"
		echo "       (a dependency is missing; add it to the fragment):"
		printf '         %s\n' "${dropped[@]}"
	} >&2
	exit 2
fi

if [ "${CONFIG_ONLY:-0}" = 1 ]; then
	phase "kernel: config ok ($(grep -c '^CONFIG_' "$fragment") fragment options present)"
	echo "$bdir/.config"
	exit 0
fi

how=building
[ "$incremental" = 1 ] && how="incremental build of"
phase "kernel: $how $(basename "$image_rel") with -j$JOBS (log: $log)"
t0=$(date +%s)
make -C "$src" O="$bdir" ARCH="$karch" CROSS_COMPILE="$cross" -j"$JOBS" "$(basename "$image_rel")" >>"$log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	sleep 15
	kill -0 "$pid" 2>/dev/null || break
	last=$(grep -E '^ +(CC|LD|AR|AS|OBJCOPY|BUILD)' "$log" | tail -n1 | sed 's/^ *//' || true)
	phase "kernel: building ($(($(date +%s) - t0))s) ${last}"
done
wait "$pid" || { tail -n 30 "$log" >&2; die "kernel build failed; see $log"; }
secs=$(($(date +%s) - t0))
cp "$bdir/$image_rel" "$image.tmp"
cp "$bdir/.config" "$out/config"
mv "$image.tmp" "$image"
# bench/vm-times.sh reports the cold build time from here; bench/dev-loop.sh
# and vm/mutate.sh the last incremental one.
if [ "$incremental" = 1 ]; then
	echo "$secs" >"$out/last-build-seconds"
else
	echo "$secs" >"$out/build-seconds"
fi
phase "kernel: built $image in ${secs}s"
built
