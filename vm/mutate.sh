#!/usr/bin/env bash
# make mutate: how many of the project's kernel mutants the suite kills.
#
# Each vm/mutants/NN-name.patch is a small change to the kernel that breaks
# one rule of docs/contract.md, with a header above the diff:
#   Rule:      what it breaks (contract IDs)
#   Configs:   the configurations that can expose it (vm/configs.cfg names)
#   Shows as:  how it should show (cases, console)
#   Note:      optional; for a survivor, why it cannot be seen under QEMU
# For each mutant: the patch is applied to the cached Debian kernel tree,
# built incrementally in that tree's own O= directory (vm/kernel-build.sh
# REBUILD=1: one cold build, then seconds to a minute per mutant), the tree
# is restored at once, and the image boots on the mutant's configurations.
# A mutant is killed when a case fails that passes on the pristine kernel, or
# the guest's health (splat, hang, panic, boot failure) is worse.
#
#   MUTANTS="01 amd-*"  only these: number prefixes or globs on the file name
#   PRISTINE_DIR=dir    KTAP files (CONFIG.ktap) of a run on the pristine
#                       kernel, e.g. build/vm after make vm-check (default:
#                       boot the pristine kernel here first)
#   MUTATE_OUT=dir      per-mutant guest output (default build/mutate)
#   MUTATE_DOC=file     write the table there (default docs/mutation.md when
#                       every mutant runs; empty: no file)
#   MUTATE_REPORT=1     build and boot nothing: judge what MUTATE_OUT holds
#                       from an earlier (or interrupted) run
# Prints "killed NAME: CONFIG: case,case" / "survived NAME" per mutant and
# "kill rate: K/N"; exit 0 when every selected mutant was killed, 1 when one
# survived or did not build, 2 when the tool itself cannot work.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$VM_DIR/cfg.sh"

# The tool builds its own images: a ready one named here would be ignored.
unset KERNEL KERNEL_x86_64 KERNEL_arm64
# MUTANT_DIR=dir takes the patches from there (e.g. docs/patches: a fix
# then shows as "no longer failing" cases instead of a kill).
MUTANT_DIR=${MUTANT_DIR:-$VM_DIR/mutants}
MUTATE_OUT=${MUTATE_OUT:-$TOP_DIR/build/mutate}
STATE=$CACHE_DIR/mutate
t_start=$(date +%s)

header() { # patch field
	sed -n "/^diff \|^--- /q; s/^$2:[[:space:]]*//p" "$1" | head -n1
}

# --- which mutants ---------------------------------------------------------
mapfile -t all < <(find "$MUTANT_DIR" -maxdepth 1 -name '[0-9][0-9]*-*.patch' | sort)
[ ${#all[@]} -gt 0 ] || die "no mutants in $MUTANT_DIR"
selected=()
for m in "${all[@]}"; do
	name=$(basename "$m" .patch)
	if [ -z "${MUTANTS:-}" ]; then
		selected+=("$m")
		continue
	fi
	for want in $MUTANTS; do
		# shellcheck disable=SC2053 # a glob on purpose
		if [ "${name%%-*}" = "$want" ] || [[ $name == $want ]]; then
			selected+=("$m")
			break
		fi
	done
done
[ ${#selected[@]} -gt 0 ] || die "MUTANTS=$MUTANTS names no mutant in $MUTANT_DIR"
doc=${MUTATE_DOC-}
if [ -z "${MUTATE_DOC+x}" ] && [ -z "${MUTANTS:-}" ]; then
	doc=$TOP_DIR/docs/mutation.md
fi

declare -A configs_of=() archs=()
union=()
for m in "${selected[@]}"; do
	name=$(basename "$m" .patch)
	cs=$(header "$m" Configs)
	[ -n "$cs" ] || die "$m: no 'Configs:' line"
	[ -n "$(header "$m" Rule)" ] || die "$m: no 'Rule:' line"
	arch=""
	for c in $cs; do
		cfg_has "$c" || die "$m: Configs names '$c', not in vm/configs.cfg"
		a=$(cfg_get "$c" arch)
		[ -z "$arch" ] || [ "$arch" = "$a" ] || die "$m: its configurations span two archs ($arch, $a)"
		arch=$a
		[[ " ${union[*]} " == *" $c "* ]] || union+=("$c")
	done
	configs_of[$name]=$cs
	archs[$arch]=1
done

report_only=${MUTATE_REPORT:-0}
[ "$report_only" = 1 ] || "$VM_DIR/host-deps.sh"

# --- the tree, and its guard -----------------------------------------------
# The patch goes into the cached tree itself, so the build reuses that
# tree's warm O= directory. The pristine files are saved first and put back
# right after the build (and at the start of the next run, if this one was
# killed half way): the tree is never left patched.
mkdir -p "$STATE/saved"
# No other build may read the tree while a mutant is in it (kernel-build.sh
# takes this lock shared for its builds of the Debian tree).
exec 7>"$CACHE_DIR/.debian-tree.lock"
if [ "$report_only" != 1 ] && ! flock -x -n 7; then
	phase "mutate: a kernel build is reading the source tree; waiting for it"
	flock -x 7
fi
export TREE_LOCK_HELD=1
restore_tree() {
	[ -f "$STATE/applied" ] || return 0
	local src rel
	src=$(head -n1 "$STATE/applied")
	while IFS= read -r rel; do
		cp -p "$STATE/saved/$rel" "$src/$rel"
		# New mtime: kbuild must see the file changed back.
		touch "$src/$rel"
	done < <(tail -n +2 "$STATE/applied")
	rm -f "$STATE/applied"
}
restore_tree
trap restore_tree EXIT

declare -A pristine_image=()
for arch in "${!archs[@]}"; do
	[ "$report_only" = 1 ] && break
	read -r img _ < <(PRINT_BUILD=1 ARCH=$arch "$VM_DIR/kernel-build.sh")
	pristine_image[$arch]=$img
done
[ -z "${KERNEL_SRC:-}" ] || die "make mutate patches the cached Debian tree; unset KERNEL_SRC"

boot() { # out-dir arch-images configs...
	local out=$1 images=$2
	shift 2
	mkdir -p "$out"
	# shellcheck disable=SC2086 # images is "KERNEL_x=... KERNEL_y=..."
	env $images VM_CONFIGS="$*" OUT_DIR="$out" QUIET=1 "$VM_DIR/vm-check.sh" >"$out/vm-check.log" 2>&1 || true
}

pristine_images() {
	local a s=""
	for a in "${!pristine_image[@]}"; do s+="KERNEL_$a=${pristine_image[$a]} "; done
	echo "$s"
}

# --- pristine results --------------------------------------------------------
pdir=${PRISTINE_DIR:-$MUTATE_OUT/pristine}
missing=()
for c in "${union[@]}"; do
	[ -f "$pdir/$c.ktap" ] || missing+=("$c")
done
if [ ${#missing[@]} -gt 0 ] && [ "$report_only" != 1 ]; then
	[ -z "${PRISTINE_DIR:-}" ] || phase "mutate: $PRISTINE_DIR lacks ${missing[*]}; booting them pristine"
	pdir=$MUTATE_OUT/pristine
	phase "mutate: pristine run of ${missing[*]}"
	boot "$pdir" "$(pristine_images)" "${missing[@]}"
fi

failing() { # ktap: the ids of its "not ok" cases, one per line
	sed -nE 's/^not ok [0-9]+ ([^ #]+).*/\1/p' "$1" 2>/dev/null | sort -u
}
health() { # ktap: the harness's verdict on the guest (ok, splat, hang, ...)
	local h
	grep -q '^# Totals:' "$1" 2>/dev/null || { echo incomplete; return; }
	h=$(sed -n 's/^# vm: \([a-z-]*\).*/\1/p' "$1" | tail -n1)
	echo "${h:-ok}"
}

# --- the mutants ---------------------------------------------------------------
# Builds are one at a time (one tree); each built mutant boots in the
# background while the next one builds, MUTATE_JOBS boots at once.
MUTATE_JOBS=${MUTATE_JOBS:-2}
declare -A result_of=() detail_of=() tbuild_of=() t0_of=() boot_pid=()
[ "$report_only" = 1 ] || make -s -C "$TOP_DIR" static >&2 || die "make static failed"
for m in "${selected[@]}"; do
	name=$(basename "$m" .patch)
	cs=${configs_of[$name]}
	arch=$(cfg_get "${cs%% *}" arch)
	out=$MUTATE_OUT/$name
	if [ "${MUTATE_REPORT:-0}" = 1 ]; then
		# Judge what an earlier run left; a mutant it never booted is
		# "not run" (not counted in the rate's denominator).
		t0_of[$name]=$(stat -c %Y "$out/patch.log" 2>/dev/null || date +%s)
		tbuild_of[$name]=$(($(stat -c %Y "$out/build.log" 2>/dev/null || echo "${t0_of[$name]}") - ${t0_of[$name]}))
		if ! grep -q '^# vm:' "$out"/*.ktap 2>/dev/null; then
			result_of[$name]=not-run detail_of[$name]="not booted yet"
		fi
		continue
	fi
	rm -rf "$out"
	mkdir -p "$out"
	t0=$(date +%s)
	t0_of[$name]=$t0
	read -r _ src _ < <(PRINT_BUILD=1 ARCH=$arch "$VM_DIR/kernel-build.sh" 2>/dev/null)
	mapfile -t files < <(sed -nE 's@^\+\+\+ b/([^[:space:]]+).*@\1@p' "$m")
	[ ${#files[@]} -gt 0 ] || die "$m: no '+++ b/FILE' lines"
	{ echo "$src"; printf '%s\n' "${files[@]}"; } >"$STATE/applied"
	for f in "${files[@]}"; do
		mkdir -p "$STATE/saved/$(dirname "$f")"
		cp -p "$src/$f" "$STATE/saved/$f"
	done
	if ! patch -p1 -d "$src" --batch --forward --silent <"$m" >"$out/patch.log" 2>&1; then
		result_of[$name]=broken detail_of[$name]="patch does not apply: $(head -n1 "$out/patch.log")"
	elif ! img=$(REBUILD=1 ARCH=$arch "$VM_DIR/kernel-build.sh" 2>"$out/build.log"); then
		result_of[$name]=broken
		detail_of[$name]="does not build: $(grep -m1 'error' "$out/build.log" || tail -n1 "$out/build.log")"
	else
		cp "$img" "$out/$(basename "$img")"
		img=$out/$(basename "$img")
	fi
	restore_tree
	tbuild_of[$name]=$(($(date +%s) - t0))
	[ -z "${result_of[$name]:-}" ] || continue
	while [ "$(jobs -rp | wc -l)" -ge "$MUTATE_JOBS" ]; do sleep 2; done
	phase "mutate: $name built in ${tbuild_of[$name]}s; booting $cs"
	# shellcheck disable=SC2086 # the configuration list
	boot "$out" "$(pristine_images)KERNEL_$arch=$img" $cs &
	boot_pid[$name]=$!
done
for pid in "${boot_pid[@]}"; do
	wait "$pid" || true
done

nkilled=0 nsurvived=0 nbroken=0 nnotrun=0
rows=()
for m in "${selected[@]}"; do
	name=$(basename "$m" .patch)
	cs=${configs_of[$name]}
	out=$MUTATE_OUT/$name
	if [ -z "${result_of[$name]:-}" ]; then
		kills=() fixed=()
		for c in $cs; do
			new=$(comm -13 <(failing "$pdir/$c.ktap") <(failing "$out/$c.ktap") | paste -sd, -)
			gone=$(comm -23 <(failing "$pdir/$c.ktap") <(failing "$out/$c.ktap") | paste -sd, -)
			[ -z "$gone" ] || [ "$(health "$out/$c.ktap")" != ok ] || fixed+=("$c: $gone")
			hp=$(health "$pdir/$c.ktap") hm=$(health "$out/$c.ktap")
			if [ "$hm" != ok ] && [ "$hp" = ok ]; then
				kills+=("$c: guest $hm${new:+; $new}")
			elif [ -n "$new" ]; then
				kills+=("$c: $new")
			fi
		done
		if [ ${#kills[@]} -gt 0 ]; then
			result_of[$name]=killed detail_of[$name]=$(printf '%s; ' "${kills[@]}")
			detail_of[$name]=${detail_of[$name]%; }
		else
			result_of[$name]=survived detail_of[$name]=$(header "$m" Note)
		fi
		# A patch that is a fix: what failed on the pristine kernel and
		# passes with it.
		[ ${#fixed[@]} -eq 0 ] ||
			detail_of[$name]+="${detail_of[$name]:+; }no longer failing: $(printf '%s; ' "${fixed[@]}")"
		detail_of[$name]=${detail_of[$name]%; }
	fi
	secs=$(($(stat -c %Y "$out" 2>/dev/null || date +%s) - ${t0_of[$name]}))
	[ -f "$out/vm-check.log" ] && secs=$(($(stat -c %Y "$out/vm-check.log") - ${t0_of[$name]}))
	case ${result_of[$name]} in
	killed) nkilled=$((nkilled + 1)) ;;
	survived) nsurvived=$((nsurvived + 1)) ;;
	not-run) nnotrun=$((nnotrun + 1)) ;;
	*) nbroken=$((nbroken + 1)) ;;
	esac
	echo "${result_of[$name]} $name ($cs; build ${tbuild_of[$name]}s, build to verdict ${secs}s): ${detail_of[$name]}"
	d=${detail_of[$name]}
	rows+=("| $name | $(header "$m" Rule) | $cs | ${result_of[$name]} | ${d//|/\\|} | ${tbuild_of[$name]} s / ${secs} s |")
done

# Leave the build directory matching the pristine tree again.
for arch in "${!archs[@]}"; do
	[ "$report_only" = 1 ] && break
	REBUILD=1 ARCH=$arch "$VM_DIR/kernel-build.sh" >/dev/null 2>&1 ||
		phase "mutate: the pristine rebuild for $arch failed"
done

n=$((${#selected[@]} - nnotrun))
total=$(($(date +%s) - t_start))
echo "kill rate: $nkilled/$n (survived $nsurvived, did not build or apply $nbroken, not run $nnotrun) in ${total}s"
if [ -n "$doc" ]; then
	{
		echo "# Kernel mutants and the suite's kill rate"
		echo
		echo "Written by \`make mutate\` (vm/mutate.sh) on $(date -u +%Y-%m-%d); do not edit by hand."
		echo "Each mutant is vm/mutants/NAME.patch: one rule broken in the 7.2 kernel, booted"
		echo "on the configurations that can expose it. Killed: a case that passes on the"
		echo "pristine kernel fails, or the guest's health is worse. A survivor's last column"
		echo "says why it cannot be seen under QEMU (its patch's Note: line)."
		echo
		echo "kill rate: $nkilled/$n"
		echo
		[ "$nnotrun" = 0 ] || echo "($nnotrun of the ${#selected[@]} mutants were not run in this run: see their rows.)"
		echo
		if [ "$report_only" = 1 ]; then
			echo "Judged (MUTATE_REPORT=1) from the results an earlier run left; each row's times are its own ($(nproc) cores)."
		else
			echo "Whole run: ${total} s ($(nproc) cores)."
		fi
		echo
		echo "| mutant | rule broken | configurations | result | killing cases / reason | build / build to verdict |"
		echo "|---|---|---|---|---|---|"
		printf '%s\n' "${rows[@]}"
	} >"$doc"
	phase "mutate: wrote $doc"
fi
[ "$nsurvived" = 0 ] && [ "$nbroken" = 0 ]
