#!/usr/bin/env bash
# Print the path of the patched QEMU (qemu-system-x86_64) that the
# configurations with a `qemu_patches` key run on (vm/qemu.sh).
#
# The source is Debian's qemu source package (QEMU_DEB_VERSION, from the
# unstable suite's deb-src, added like the kernel's: same mirror as the
# system's apt sources), with the patches of vm/qemu-patches/ applied on top
# of Debian's own. Only x86_64-softmmu is built, with no optional features
# beyond what q35 + intel-iommu + edu need. The result is cached at
#   $CACHE_DIR/qemu/<debian version>-<hash>/bin/qemu-system-x86_64
# keyed by the source version and a hash of the chosen patches (names and
# contents) and of the configure options: a second call is a lookup that
# touches neither apt nor the build tree.
#
#   QEMU_PATCHES="0001 0002"  only the patches whose file names start with
#                             these words ("all", the default: every patch)
#   QEMU_DEB_VERSION=...      the Debian source version the patches are for
#   JOBS=2                    ninja -j (the host is shared: keep it small)
#   PRINT_KEY=1               print the cache key and exit (no build)
#
# One build tree per source version ($CACHE_DIR/qemu-build/<version>) is
# shared by every patch set: switching sets reverts the applied patches
# (copies kept in the tree) and applies the new ones, so only the files they
# touch are rebuilt. Progress goes to stderr; only the path goes to stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

QEMU_DEB_VERSION=${QEMU_DEB_VERSION:-1:10.2.2+ds-1}
QEMU_PATCHES=${QEMU_PATCHES:-all}
JOBS=${JOBS:-2}
PATCH_DIR=$VM_DIR/qemu-patches
# What configure gets; part of the cache key.
CONFIGURE_OPTS=(--target-list=x86_64-softmmu --without-default-features
		--disable-docs --disable-tools --disable-install-blobs
		--disable-werror --disable-rust --enable-fdt=system)
# Firmware the q35 guests load, copied next to the binary (QEMU finds
# ../share/qemu relative to itself): SeaBIOS from Debian's seabios package
# and the option ROMs (-kernel boot) from the host's qemu-system-data; the
# +ds source has no blobs and configure sets up no option-ROM build here.
FIRMWARE=(bios-256k.bin linuxboot_dma.bin linuxboot.bin kvmvapic.bin
	  multiboot_dma.bin pvh.bin)

# The patches, in order, that QEMU_PATCHES selects.
patches=()
for p in "$PATCH_DIR"/*.patch; do
	[ -e "$p" ] || continue
	base=${p##*/}
	if [ "$QEMU_PATCHES" != all ]; then
		want=0
		for w in $QEMU_PATCHES; do
			case $base in "$w"*) want=1 ;; esac
		done
		[ "$want" = 1 ] || continue
	fi
	patches+=("$p")
done
if [ "$QEMU_PATCHES" != all ]; then
	for w in $QEMU_PATCHES; do
		found=0
		for p in "${patches[@]}"; do
			case ${p##*/} in "$w"*) found=1 ;; esac
		done
		[ "$found" = 1 ] || die "QEMU_PATCHES: no patch in $PATCH_DIR starts with '$w'"
	done
fi

hash=$( {
	echo "$QEMU_DEB_VERSION ${CONFIGURE_OPTS[*]} ${FIRMWARE[*]}"
	for p in "${patches[@]}"; do
		echo "== ${p##*/}"
		cat "$p"
	done
} | sha256sum | cut -c1-12)
debver=${QEMU_DEB_VERSION#*:}
key=$debver-$hash
out=$CACHE_DIR/qemu/$key
bin=$out/bin/qemu-system-x86_64
if [ "${PRINT_KEY:-0}" = 1 ]; then
	echo "$key"
	exit 0
fi
if [ -e "$out/.ic-ready" ] && [ -x "$bin" ]; then
	phase "qemu: cached $bin"
	echo "$bin"
	exit 0
fi

mkdir -p "$CACHE_DIR/qemu"
# One build tree: one build at a time (parallel boots wait for it).
exec 9>"$CACHE_DIR/qemu/.build-$debver.lock"
if ! flock -n 9; then
	phase "qemu: another build in $CACHE_DIR/qemu-build/$debver is running; waiting for it"
	flock 9
fi
if [ -e "$out/.ic-ready" ] && [ -x "$bin" ]; then
	phase "qemu: cached $bin"
	echo "$bin"
	exit 0
fi
[ "$(id -u)" = 0 ] ||
	die "building the patched QEMU needs root once (apt-get for the source and build packages); or set QEMU=/path/to/qemu-system-x86_64"

# Build packages (Debian 12). meson comes separately: bookworm's is 1.0.1
# and QEMU 10.2 wants >= 1.5.
build_pkgs=(gcc make ninja-build pkg-config flex bison python3 python3-venv
	    python3-distlib python3-setuptools libglib2.0-dev libpixman-1-dev
	    zlib1g-dev libfdt-dev device-tree-compiler dpkg-dev xz-utils seabios
	    qemu-system-data)
apt_install_missing "qemu: " "${build_pkgs[@]}"

ensure_unstable_sources
apt_update_once

# meson >= 1.5: the host's if it has one, else Debian unstable's
# (pure Python) unpacked into the cache, never installed.
meson_ok() {
	local v
	v=$("$@" --version 2>/dev/null) || return 1
	[ "$(printf '%s\n1.5.0\n' "$v" | sort -V | head -n1)" = 1.5.0 ]
}
meson_path=""
if ! command -v meson >/dev/null || ! meson_ok meson; then
	mver=$(apt-cache madison meson | awk -F'|' '$3 ~ /unstable/ { gsub(/ /, "", $2); print $2; exit }')
	[ -n "$mver" ] || die "no meson in Debian unstable (needed: >= 1.5.0)"
	mdir=$CACHE_DIR/meson-$mver
	if [ ! -e "$mdir/.ic-ready" ]; then
		phase "qemu: meson $mver from Debian unstable into $mdir (not installed)"
		dl=$(mktemp -d)
		chmod 755 "$dl" # apt-get download drops to the _apt user
		(cd "$dl" && apt-get download -q "meson=$mver" >&2) ||
			{ rm -rf "$dl"; die "apt-get download meson=$mver failed"; }
		rm -rf "$mdir"
		mkdir -p "$mdir"
		dpkg-deb -x "$dl"/meson_*.deb "$mdir"
		rm -rf "$dl"
		touch "$mdir/.ic-ready"
	fi
	meson_path=$mdir/usr/lib/python3/dist-packages
	PYTHONPATH=$meson_path${PYTHONPATH:+:$PYTHONPATH}
	export PYTHONPATH
	meson_ok python3 -m mesonbuild.mesonmain ||
		die "meson $mver in $mdir does not run"
fi

# The pristine source, unpacked once (Debian's own patches applied).
src=$CACHE_DIR/src/qemu-$debver
if [ ! -e "$src/.unpacked" ]; then
	dl=$CACHE_DIR/dl/qemu-$debver
	mkdir -p "$dl"
	chmod 755 "$dl"
	if ! ls "$dl"/*.dsc >/dev/null 2>&1; then
		phase "qemu: apt-get source qemu=$QEMU_DEB_VERSION (Debian unstable)"
		(cd "$dl" && apt-get source --download-only -q "qemu=$QEMU_DEB_VERSION" >&2) ||
			die "apt-get source qemu=$QEMU_DEB_VERSION failed (has it left the mirror? see vm/README.md)"
	fi
	rm -rf "$src"
	phase "qemu: unpacking the source"
	dpkg-source --no-check -x "$dl"/qemu_*.dsc "$src" >&2
	touch "$src/.unpacked"
fi

# The shared build tree and the patch set applied to it.
tree=$CACHE_DIR/qemu-build/$debver
applied=$tree/.ic-patches
fresh_tree() {
	phase "qemu: copying the source into $tree"
	rm -rf "$tree"
	mkdir -p "$(dirname "$tree")"
	cp -a "$src" "$tree"
	mkdir -p "$applied"
}
[ -d "$applied" ] || fresh_tree
want_list=$(for p in "${patches[@]}"; do echo "${p##*/} $(sha256sum <"$p" | cut -c1-16)"; done)
have_list=$(cat "$applied/series" 2>/dev/null || true)
if [ "$want_list" != "$have_list" ]; then
	# Keep the patches both sets start with; revert the rest of what is
	# applied, newest first, from the copies kept in the tree (the
	# repository's files may have changed since). Only the files of the
	# reverted and newly applied patches change, so only they rebuild.
	mapfile -t have < <(echo "$have_list" | sed '/^$/d')
	mapfile -t want < <(echo "$want_list" | sed '/^$/d')
	keep=0
	while [ "$keep" -lt ${#have[@]} ] && [ "$keep" -lt ${#want[@]} ] &&
	      [ "${have[$keep]}" = "${want[$keep]}" ]; do
		keep=$((keep + 1))
	done
	ok=1
	for ((i = ${#have[@]} - 1; i >= keep; i--)); do
		name=${have[$i]%% *}
		phase "qemu: reverting $name"
		patch -d "$tree" -p1 -R -s -f <"$applied/$name" >&2 || { ok=0; break; }
		rm -f "$applied/$name"
	done
	if [ "$ok" = 0 ]; then
		phase "qemu: revert failed; starting from a fresh copy (full rebuild)"
		fresh_tree
		keep=0
	fi
	printf '%s\n' "${want[@]:0:$keep}" | sed '/^$/d' >"$applied/series"
	for p in "${patches[@]:$keep}"; do
		phase "qemu: applying ${p##*/}"
		patch -d "$tree" -p1 -s -f <"$p" >&2 ||
			die "${p##*/} does not apply to qemu $QEMU_DEB_VERSION (tree $tree is half patched; remove it to start again)"
		cp "$p" "$applied/"
		echo "${p##*/} $(sha256sum <"$p" | cut -c1-16)" >>"$applied/series"
	done
fi
touch "$applied/series"

bdir=$tree/build
log=$tree/build.log
: >"$log"
if [ ! -f "$bdir/build.ninja" ] || [ "$(cat "$tree/.ic-configure" 2>/dev/null)" != "${CONFIGURE_OPTS[*]}" ]; then
	phase "qemu: configure ${CONFIGURE_OPTS[*]} (log: $log)"
	rm -rf "$bdir"
	mkdir -p "$bdir"
	(cd "$bdir" && ../configure --prefix=/usr/local "${CONFIGURE_OPTS[@]}") >>"$log" 2>&1 ||
		{ tail -n 30 "$log" >&2; die "qemu configure failed; see $log"; }
	echo "${CONFIGURE_OPTS[*]}" >"$tree/.ic-configure"
fi

phase "qemu: building qemu-system-x86_64 with -j$JOBS (log: $log)"
t0=$(date +%s)
ninja -C "$bdir" -j"$JOBS" qemu-system-x86_64 >>"$log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	sleep 15
	kill -0 "$pid" 2>/dev/null || break
	last=$(grep -E '^\[[0-9]+/[0-9]+\]' "$log" | tail -n1 | cut -c1-100 || true)
	phase "qemu: building ($(($(date +%s) - t0))s) ${last}"
done
wait "$pid" || { tail -n 30 "$log" >&2; die "qemu build failed; see $log"; }
secs=$(($(date +%s) - t0))
steps=$(grep -Eo '^\[[0-9]+/[0-9]+\]' "$log" | tail -n1 | tr -d '[]' || true)

rm -rf "$out.tmp"
mkdir -p "$out.tmp/bin" "$out.tmp/share/qemu"
cp "$bdir/qemu-system-x86_64" "$out.tmp/bin/"
for f in "${FIRMWARE[@]}"; do
	for d in /usr/share/seabios /usr/share/qemu; do
		if [ -f "$d/$f" ]; then
			cp "$d/$f" "$out.tmp/share/qemu/$f"
			echo "$f $d" >>"$out.tmp/firmware"
			break
		fi
	done
	[ -f "$out.tmp/share/qemu/$f" ] || die "firmware $f found nowhere"
done
cp -r "$applied" "$out.tmp/patches"
"$out.tmp/bin/qemu-system-x86_64" --version >/dev/null ||
	die "the built qemu-system-x86_64 does not run"
printf 'source=qemu %s patches=%s build_seconds=%s ninja_steps=%s jobs=%s\n' \
	"$QEMU_DEB_VERSION" "$(awk '{print $1}' "$applied/series" | tr '\n' ',' | sed 's/,$//')" \
	"$secs" "${steps:-0}" "$JOBS" >"$out.tmp/.ic-ready"
rm -rf "$out"
mv "$out.tmp" "$out"
phase "qemu: built $bin in ${secs}s ($(cat "$out/.ic-ready"))"
echo "$bin"
