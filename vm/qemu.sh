#!/usr/bin/env bash
# Pick the QEMU for a configuration of vm/configs.cfg.
#
#   vm/qemu.sh NAME      make sure the QEMU that NAME needs exists (running
#                        debootstrap once if it must) and print how it runs:
#                        "host /usr/bin/qemu-system-x86_64 7.2.22" or
#                        "chroot /root/.cache/.../qemu-trixie-x86_64 qemu-system-x86_64 10.0.x"
#                        "patched /root/.cache/.../qemu/10.2.2+ds-1-<hash>/bin/qemu-system-x86_64 10.2.2 (patches: all)"
#   . vm/qemu.sh         (sourced, e.g. by vm/run-config.sh) for qemu_select
#                        and qemu_run
#
# The choice, in order:
#   1. QEMU=/path/to/qemu-system-ARCH   used as it is (no version check)
#   2. for a config with `qemu_patches`: the patched QEMU vm/qemu-build.sh
#      builds once from Debian's source and caches (x86_64 only);
#      QEMU_PATCHES= in the environment overrides the config's choice
#   3. the host's binary (the config's `qemu` key) when its version is at
#      least the config's `qemu_min` (empty: any version)
#   4. Debian trixie's QEMU (10.0) in a debootstrap folder, made once and
#      cached outside the work tree at $CACHE_DIR/qemu-trixie-<arch>, run
#      through chroot. debootstrap uses the mirror of the system's own apt
#      sources. Measured on a 2-core host: 33 s and 436 MB for x86 + arm
#      (vm/README.md has the numbers).
#
# Under chroot the kernel and initrd are copied into a per-boot folder
# inside the chroot, QEMU writes the console and KTAP files there, and they
# are copied back when QEMU exits (also after a timeout); the folder is
# removed then and again on exit (qemu_cleanup). Copying, not bind-mounting,
# leaves nothing mounted behind a killed run.
# shellcheck shell=bash

if [ -z "${VM_DIR:-}" ]; then
	. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
	. "$VM_DIR/cfg.sh"
fi

QEMU_TRIXIE_SUITE=${QEMU_TRIXIE_SUITE:-trixie}

# qemu_version BIN [ROOT]: "10.0.13" (empty when it does not run).
qemu_version() {
	local out
	if [ -n "${2:-}" ]; then
		out=$(chroot "$2" "$1" --version 2>/dev/null | head -n1) || true
	else
		out=$("$1" --version 2>/dev/null | head -n1) || true
	fi
	echo "$out" | sed -n 's/^QEMU emulator version \([0-9][0-9.]*\).*/\1/p'
}

# version_ge A B: A >= B (dotted numbers).
version_ge() {
	[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]
}

# The Debian package holding qemu-system-ARCH.
qemu_package() {
	case $1 in
	*-x86_64 | *-i386) echo qemu-system-x86 ;;
	*-aarch64 | *-arm) echo qemu-system-arm ;;
	*) die "no Debian package known for $1" ;;
	esac
}

# qemu_trixie_root BIN: the cached debootstrap folder for BIN's package,
# made (under a lock, so parallel boots wait for one debootstrap) if missing.
qemu_trixie_root() {
	local bin=$1 pkg arch root
	pkg=$(qemu_package "$bin")
	arch=${bin##*-}
	root=$CACHE_DIR/qemu-$QEMU_TRIXIE_SUITE-$arch
	if [ -e "$root/.ic-ready" ]; then
		echo "$root"
		return
	fi
	[ "$(id -u)" = 0 ] || die "$bin >= the config's qemu_min is not on the host; making the $QEMU_TRIXIE_SUITE folder needs root (debootstrap, chroot), or set QEMU=/path/to/$bin"
	command -v debootstrap >/dev/null || die "debootstrap missing (vm/host-deps.sh installs it)"
	mkdir -p "$CACHE_DIR"
	(
		flock 9
		if [ ! -e "$root/.ic-ready" ]; then
			local uri t0 t1
			uri=$(debian_mirror_uri)
			rm -rf "$root.tmp"
			phase "debootstrap $QEMU_TRIXIE_SUITE with $pkg into $root (once; about 40 s and 450 MB)"
			t0=$(date +%s)
			# debootstrap's own progress lines (I: Retrieving/Unpacking/
			# Configuring) go to stderr.
			debootstrap --variant=minbase --include="$pkg" "$QEMU_TRIXIE_SUITE" \
				"$root.tmp" "$uri" >&2 || die "debootstrap of $QEMU_TRIXIE_SUITE failed (partial folder: $root.tmp)"
			chroot "$root.tmp" "$bin" --version >/dev/null ||
				die "$bin does not run in $root.tmp"
			rm -rf "$root.tmp/var/cache/apt/archives/"*.deb
			mkdir -p "$root.tmp/ic-run"
			t1=$(date +%s)
			printf 'suite=%s package=%s seconds=%s size=%s\n' "$QEMU_TRIXIE_SUITE" "$pkg" \
				$((t1 - t0)) "$(du -sh "$root.tmp" | cut -f1)" >"$root.tmp/.ic-ready"
			mv "$root.tmp" "$root"
			phase "debootstrap done: $(cat "$root/.ic-ready")"
		fi
	) 9>"$CACHE_DIR/.qemu-$QEMU_TRIXIE_SUITE-$arch.lock" || exit $?
	echo "$root"
}

# qemu_select NAME: sets qemu (the binary; a path inside QEMU_ROOT under
# chroot), QEMU_ROOT (empty: run on the host), QEMU_VERSION and
# QEMU_PATCHED (the patch selection of a patched QEMU, else empty).
qemu_select() {
	local name=$1 min
	qemu=$(cfg_get "$name" qemu)
	min=$(cfg_get "$name" qemu_min)
	QEMU_ROOT="" QEMU_PATCHED=""
	if [ -n "${QEMU:-}" ]; then
		qemu=$QEMU
		command -v "$qemu" >/dev/null || die "QEMU=$qemu not found"
		QEMU_VERSION=$(qemu_version "$qemu")
		return
	fi
	local patches
	patches=$(cfg_get "$name" qemu_patches)
	if [ -n "$patches" ]; then
		[ "${qemu##*/}" = qemu-system-x86_64 ] ||
			die "vm $name: qemu_patches needs qemu-system-x86_64 (vm/qemu-build.sh builds only that)"
		qemu=$(QEMU_PATCHES=${QEMU_PATCHES:-$patches} "$VM_DIR/qemu-build.sh") || exit $?
		QEMU_PATCHED=${QEMU_PATCHES:-$patches}
		QEMU_VERSION=$(qemu_version "$qemu")
		return
	fi
	if command -v "$qemu" >/dev/null; then
		QEMU_VERSION=$(qemu_version "$qemu")
		if [ -z "$min" ] || version_ge "${QEMU_VERSION:-0}" "$min"; then
			qemu=$(command -v "$qemu")
			return
		fi
		phase "vm $name: host $qemu is ${QEMU_VERSION:-unknown}, the config needs >= $min: using Debian $QEMU_TRIXIE_SUITE's"
	elif [ -z "$min" ]; then
		die "$qemu not found (vm/host-deps.sh installs it)"
	fi
	QEMU_ROOT=$(qemu_trixie_root "$qemu") || exit $?
	QEMU_VERSION=$(qemu_version "$qemu" "$QEMU_ROOT")
	if [ -n "$min" ] && ! version_ge "${QEMU_VERSION:-0}" "$min"; then
		die "$QEMU_ROOT has $qemu ${QEMU_VERSION:-unknown}, the config needs >= $min"
	fi
}

QEMU_STAGE=""
qemu_cleanup() {
	if [ -n "$QEMU_STAGE" ]; then
		rm -rf "$QEMU_STAGE"
		QEMU_STAGE=""
	fi
}

# qemu_watch CAP STALL OUTS CMD...: run CMD, and kill it (-k 5 as timeout
# does) when the OUT files have not grown for STALL seconds (a hung guest:
# the suite writes a KTAP line per case, the kernel its console), or after
# CAP seconds in all. A slow guest on a loaded host is not a hung one: it
# keeps writing. Sets QEMU_LONGEST_SILENCE (seconds) for the margin report;
# when QEMU_LIVE names a path, links the second OUT file (the KTAP) there
# while it runs, for vm-check's progress lines. Returns CMD's status, or
# 124 on a stall or the cap.
qemu_watch() {
	local cap=$1 stall=$2 outs=$3 pid st=0 size last now start quiet=0
	shift 3
	local -a files
	read -r -a files <<<"$outs"
	[ -n "${QEMU_LIVE:-}" ] && [ ${#files[@]} -ge 2 ] && ln -sfn "${files[1]}" "$QEMU_LIVE"
	"$@" &
	pid=$!
	start=$(date +%s) last=$start size=-1
	QEMU_LONGEST_SILENCE=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		now=$(date +%s)
		local cur
		cur=$(cat "${files[@]}" 2>/dev/null | wc -c)
		if [ "$cur" != "$size" ]; then
			size=$cur last=$now
		fi
		quiet=$((now - last))
		[ "$quiet" -gt "$QEMU_LONGEST_SILENCE" ] && QEMU_LONGEST_SILENCE=$quiet
		if [ "$quiet" -ge "$stall" ] || [ $((now - start)) -ge "$cap" ]; then
			kill -TERM "$pid" 2>/dev/null
			sleep 5
			kill -KILL "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			st=124
			break
		fi
	done
	[ "$st" = 124 ] || { wait "$pid"; st=$?; }
	[ -n "${QEMU_LIVE:-}" ] && rm -f "$QEMU_LIVE"
	return "$st"
}

# qemu_run "CAP STALL" "IN FILES" "OUT FILES" QEMU-ARGS...
# Runs $qemu under qemu_watch (CAP alone: STALL = CAP). IN files (read by
# QEMU) and OUT files (written by it) are host paths that appear in
# QEMU-ARGS; under chroot they are rewritten to paths in a per-boot folder
# inside the chroot, the IN files copied there first and the OUT files copied
# back afterwards. Returns 124 on a stall or the cap.
qemu_run() {
	local cap stall ins=$2 outs=$3 st f rel a inner_outs=""
	read -r cap stall <<<"$1"
	stall=${stall:-$cap}
	shift 3
	if [ -z "${QEMU_ROOT:-}" ]; then
		qemu_watch "$cap" "$stall" "$outs" "$qemu" "$@"
		return
	fi
	# Leftovers of boots killed outright (older than a day).
	find "$QEMU_ROOT/ic-run" -mindepth 1 -maxdepth 1 -mmin +1440 -exec rm -rf {} + 2>/dev/null || true
	mkdir -p "$QEMU_ROOT/ic-run"
	QEMU_STAGE=$(mktemp -d "$QEMU_ROOT/ic-run/XXXXXX")
	rel=${QEMU_STAGE#"$QEMU_ROOT"}
	local -a args=("$@")
	local i=0
	for f in $ins $outs; do
		i=$((i + 1))
		local inner=$rel/$i.${f##*/}
		case " $ins " in *" $f "*) cp "$f" "$QEMU_ROOT$inner" ;; esac
		case " $outs " in *" $f "*) inner_outs+="$QEMU_ROOT$inner " ;; esac
		local j
		for j in "${!args[@]}"; do
			a=${args[$j]}
			args[j]=${a//"$f"/"$inner"}
		done
	done
	set +e
	qemu_watch "$cap" "$stall" "$inner_outs" chroot "$QEMU_ROOT" "$qemu" "${args[@]}"
	st=$?
	i=0
	for f in $ins $outs; do
		i=$((i + 1))
		case " $outs " in
		*" $f "*) [ -e "$QEMU_ROOT$rel/$i.${f##*/}" ] && cp "$QEMU_ROOT$rel/$i.${f##*/}" "$f" ;;
		esac
	done
	qemu_cleanup
	return "$st"
}

# Run as a program: make sure NAME's QEMU exists and say which it is.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	[ $# = 1 ] || die "usage: vm/qemu.sh NAME (one of: $(cfg_names | tr '\n' ' '))"
	cfg_has "$1" || die "no configuration '$1' in $CONFIGS_CFG"
	qemu_select "$1"
	if [ -n "$QEMU_ROOT" ]; then
		echo "chroot $QEMU_ROOT $qemu ${QEMU_VERSION:-unknown}"
	elif [ -n "$QEMU_PATCHED" ]; then
		echo "patched $qemu ${QEMU_VERSION:-unknown} (patches: $QEMU_PATCHED)"
	else
		echo "host $qemu ${QEMU_VERSION:-unknown}"
	fi
fi
