#!/usr/bin/env bash
# Judge a guest's serial console log. Prints one verdict line
#   <ok|splat|hang|panic|boot-failure> <one-line detail>
# then, for anything but ok, the log excerpt around the cause (indented).
# Exit 0 for ok, 1 otherwise, 2 on bad usage.
#   console-scan.sh [--timed-out] [--qemu-status N] CONSOLE_LOG
# --timed-out     the boot hit its timeout and QEMU was killed
# --qemu-status   QEMU's exit status (non-zero without a panic = it died)
# Only kernel lines count (printk's "[ seconds.micros]" prefix), so a test
# printing "WARNING:" from user space is not a splat.
set -euo pipefail

timed_out=0
qemu_status=0
while [ $# -gt 1 ]; do
	case $1 in
	--timed-out) timed_out=1; shift ;;
	--qemu-status) qemu_status=${2:?}; shift 2 ;;
	*) echo "error: unknown option $1" >&2; exit 2 ;;
	esac
done
[ $# = 1 ] || { echo "usage: console-scan.sh [--timed-out] [--qemu-status N] CONSOLE_LOG" >&2; exit 2; }
log=$1
[ -r "$log" ] || { echo "error: cannot read $log" >&2; exit 2; }

ts='\[ *[0-9]+\.[0-9]+\] '
panic_re="${ts}(Kernel panic - not syncing|---\[ end Kernel panic)"
splat_re="${ts}(WARNING:|BUG:|Oops|kernel BUG at|general protection fault|Unable to handle kernel|UBSAN:|KASAN:|KFENCE:|INFO: task .* blocked for|rcu: INFO:|watchdog: |list_(add|del) corruption)"

text=$(tr -d '\r' <"$log")

# first_match REGEX: "LINENO:line" of the first kernel line matching.
first_match() {
	printf '%s\n' "$text" | grep -n -m1 -E -- "$1" || true
}

# excerpt FROM TO: the log's lines FROM..TO, indented.
excerpt() {
	local from=$1 to=$2
	[ "$from" -ge 1 ] || from=1
	printf '%s\n' "$text" | sed -n "${from},${to}p" | sed 's/^/    /'
}

detail_of() {
	# The message itself, without the line number and timestamp; one line.
	echo "$1" | cut -d: -f2- | sed -E "s/^.*${ts}//" | cut -c1-200
}

panic=$(first_match "$panic_re")
splat=$(first_match "$splat_re")
started=$(first_match '^ic: init start')
finished=$(first_match '^ic: done')
powered=$(first_match "${ts}reboot: Power down")

if [ -n "$panic" ]; then
	n=${panic%%:*}
	echo "panic $(detail_of "$panic")"
	# From the first splat (the cause) when there is one before the panic;
	# the panic's own trace follows its line.
	from=$((n - 5))
	if [ -n "$splat" ] && [ "${splat%%:*}" -lt "$n" ] && [ "${splat%%:*}" -gt $((n - 60)) ]; then
		from=$(( ${splat%%:*} - 2 ))
	fi
	excerpt "$from" $((n + 25))
	exit 1
fi

splat_note=""
[ -n "$splat" ] && splat_note=" (after: $(detail_of "$splat"))"

# The case that was running when the first splat came: the suite's last
# "ic-case: ID" kernel line before it (IC_KMSG_CASES in the guest).
splat_case=""
if [ -n "$splat" ]; then
	# sed reads to the end (no SIGPIPE for printf under pipefail)
	splat_case=$(printf '%s\n' "$text" |
		sed -nE "1,${splat%%:*}s/^.*${ts}ic-case: ([^ ]+).*/\1/p" | tail -n1)
fi

if [ "$timed_out" = 1 ]; then
	last=$(printf '%s\n' "$text" | grep -v '^[[:space:]]*$' | tail -n1 | cut -c1-120)
	if [ -z "$started" ]; then
		echo "hang timed out before /init started$splat_note"
	else
		echo "hang timed out, no power-off; last line: $last$splat_note"
	fi
	if [ -n "$splat" ]; then
		excerpt $(( ${splat%%:*} - 2 )) $(( ${splat%%:*} + 30 ))
	fi
	printf '%s\n' "$text" | tail -n 15 | sed 's/^/    /'
	exit 1
fi

if [ -n "$splat" ]; then
	n=${splat%%:*}
	echo "splat $(detail_of "$splat")${splat_case:+ (during case $splat_case)}"
	# Back to the "cut here" marker when there is one just above.
	from=$((n - 2))
	cut=$(printf '%s\n' "$text" | sed -n "$((n > 3 ? n - 3 : 1)),${n}p" | grep -c 'cut here' || true)
	[ "$cut" -gt 0 ] && from=$((n - 3))
	end=$(printf '%s\n' "$text" | sed -n "${n},\$p" | grep -n -m1 -E "${ts}---\[ end trace" | cut -d: -f1 || true)
	if [ -n "$end" ] && [ "$end" -le 80 ]; then
		excerpt "$from" $((n + end - 1))
	else
		excerpt "$from" $((n + 40))
	fi
	exit 1
fi

if [ -z "$started" ]; then
	echo "boot-failure /init never started (QEMU exit status $qemu_status)"
	printf '%s\n' "$text" | tail -n 20 | sed 's/^/    /'
	exit 1
fi
if [ -z "$finished" ] || [ -z "$powered" ] || [ "$qemu_status" != 0 ]; then
	echo "boot-failure guest stopped without powering off (QEMU exit status $qemu_status)"
	printf '%s\n' "$text" | tail -n 20 | sed 's/^/    /'
	exit 1
fi

status=$(printf '%s\n' "$text" | sed -n 's/^ic: done status=\([0-9]*\).*/\1/p' | tail -n1)
echo "ok clean boot and power-off, suite exit status ${status:-?}"
exit 0
