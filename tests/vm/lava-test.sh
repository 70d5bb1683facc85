#!/usr/bin/env bash
# LAVA jobs run here by Debian's lava-dispatcher (`lava-run`, no server):
# for each configuration (default mock and intel) the job vm/lava-jobs.sh
# generates is run against a local qemu device, its device dictionary
# (vm/lava/qemu-ic.jinja2) rendered with the job's context against
# lava-server's device-type templates, as lava-server does. Checks, per job:
#   - the job completes (LAVA's job result: pass)
#   - the guest's KTAP is in the job log (between "ic: ktap begin/end")
#   - the results LAVA recorded (lvl: results of the test definition) have
#     the KTAP "# Totals:" pass / fail / skip counts, and per case the
#     KTAP's result (ok pass, not ok fail, # SKIP skip)
#   - LAVA's QEMU command line carries the job's extra_options and kernel
#     command line
# Dependencies (its own step): lava-dispatcher (apt-get install, as root;
# 148 packages, about 1 min) and lava-server's device-type templates
# (apt-get download lava-server of the same version, unpacked into the
# cache, not installed). When lava-dispatcher cannot be installed, the test
# is one SKIP with the reason.
# Prints ok / not ok lines, each job's times and "N passed, N failed,
# N skipped".
#   LAVA_CONFIGS="mock intel"   the configurations to run
#   VM_LOCK=/tmp/iommu-vm.lock  boot each job under flock on this file
#   REUSE=1                     judge the last run's logs again (no boot)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$here/../.." && pwd)
. "$TOP/vm/lib.sh"
. "$VM_DIR/cfg.sh"
CONFIGS=${LAVA_CONFIGS:-mock intel}
work=$TOP/build/lava-test
PY=/usr/bin/python3

# ok / not_ok / check / finish, and ktap_totals.
. "$TOP/tests/kselftest-lib.sh"
skip_all() {
	echo "ok LAVA jobs under lava-dispatcher # SKIP $*"
	nskip=$((nskip + 1))
	finish
}

for c in $CONFIGS; do
	cfg_has "$c" || { not_ok "LAVA_CONFIGS: no configuration '$c'"; finish; }
done
mkdir -p "$work"

# --- dependencies ----------------------------------------------------------
if ! command -v lava-run >/dev/null; then
	[ "$(id -u)" = 0 ] ||
		skip_all "lava-dispatcher is not installed, and installing it needs root (apt-get install lava-dispatcher)"
	(apt_install_missing "lava: " lava-dispatcher) >"$work/apt.log" 2>&1 ||
		skip_all "apt-get install lava-dispatcher failed: $(tail -n1 "$work/apt.log")"
	command -v lava-run >/dev/null || skip_all "lava-dispatcher installed, but no lava-run"
fi
ver=$(dpkg-query -W -f='${Version}' lava-dispatcher 2>/dev/null)
$PY -c 'import yaml, jinja2' 2>/dev/null || skip_all "no yaml and jinja2 modules in $PY"
tpl=$CACHE_DIR/lava/lava-server-$ver/usr/share/lava-server/device-types
if [ ! -f "$tpl/qemu.jinja2" ]; then
	dl=$(mktemp -d)
	chmod 755 "$dl"
	if ! (cd "$dl" && apt-get download "lava-server=$ver") >"$work/apt-download.log" 2>&1; then
		rm -rf "$dl"
		skip_all "lava-server's device-type templates: apt-get download lava-server=$ver failed: $(tail -n1 "$work/apt-download.log")"
	fi
	rm -rf "$CACHE_DIR/lava/lava-server-$ver.tmp"
	mkdir -p "$CACHE_DIR/lava"
	dpkg-deb -x "$dl"/lava-server_*.deb "$CACHE_DIR/lava/lava-server-$ver.tmp" &&
		mv "$CACHE_DIR/lava/lava-server-$ver.tmp" "$CACHE_DIR/lava/lava-server-$ver"
	rm -rf "$dl"
	[ -f "$tpl/qemu.jinja2" ] || skip_all "lava-server $ver has no device-types/qemu.jinja2"
fi
echo "# lava-dispatcher $ver, device-type templates: $tpl"

# --- kernel, suite, images and jobs --------------------------------------
if [ "${REUSE:-0}" != 1 ]; then
	kernel=$(QUIET=1 "$VM_DIR/kernel-build.sh") || { not_ok "guest kernel (vm/kernel-build.sh)"; finish; }
	[ -x "$TOP/build-static/iommu-conformance" ] ||
		{ not_ok "static suite build-static/iommu-conformance (make static)"; finish; }
	# shellcheck disable=SC2086 # one word per configuration
	if ! KERNEL=$kernel OUT=$work/jobs QUIET=1 "$VM_DIR/lava-jobs.sh" --images $CONFIGS \
		>"$work/jobs.log" 2>&1; then
		not_ok "vm/lava-jobs.sh --images $CONFIGS"
		sed 's/^/# /' "$work/jobs.log" | tail -n 10
		finish
	fi
fi

# render CONTEXT-JOB OUT: the device configuration lava-server would give
# this job: the device dictionary rendered with the job's context.
render() {
	$PY - "$1" "$2" "$VM_DIR/lava" "$tpl" <<'EOF'
import sys, yaml, jinja2
job, out, mine, tpl = sys.argv[1:5]
ctx = yaml.safe_load(open(job)).get("context", {})
env = jinja2.Environment(loader=jinja2.FileSystemLoader([mine, tpl]),
                         autoescape=False, trim_blocks=True)
text = env.get_template("qemu-ic.jinja2").render(**ctx)
yaml.safe_load(text)
open(out, "w").write(text)
EOF
}

# digest LOG DIR: from lava-run's log (one JSON record a line) write
# DIR/lava.cases ("ID RESULT" of the test definition), DIR/lava.ktap (the
# guest's KTAP), DIR/boot-command, DIR/job-result and DIR/durations.
digest() {
	$PY - "$1" "$2" <<'EOF'
import json, re, sys, yaml
log, d = sys.argv[1:3]
cases, ktap, boot, job, durs = [], [], "", "none", []
inside = False
for line in open(log, errors="replace"):
    line = line.strip()
    if not line.startswith("{"):
        continue
    # JSON, except that result records may carry YAML's "!" tags.
    try:
        r = json.loads(line)
    except ValueError:
        try:
            r = yaml.safe_load(line)
        except yaml.YAMLError:
            continue
    if not isinstance(r, dict):
        continue
    lvl, msg = r.get("lvl"), r.get("msg")
    if lvl == "results" and isinstance(msg, dict):
        if msg.get("definition") == "lava":
            if msg.get("case") == "job":
                job = msg.get("result")
        elif msg.get("definition", "").endswith("iommu-conformance-" + d.rstrip("/").split("/")[-1]):
            cases.append("%s %s" % (msg["case"], msg["result"]))
    elif lvl == "target" and isinstance(msg, str):
        t = msg.rstrip("\r")
        if t.startswith("ic: ktap end"):
            inside = False
        if inside:
            ktap.append(t)
        if t.startswith("ic: ktap begin"):
            inside, ktap = True, []
    elif lvl == "info" and isinstance(msg, str):
        if msg.startswith("Boot command: "):
            boot = msg[len("Boot command: "):]
        m = re.match(r"end: (\d+) (\S+) \(duration (\S+)\)", msg)
        if m and "." not in m.group(1):
            durs.append("%s %s" % (m.group(2), m.group(3)))
open(d + "/lava.cases", "w").write("".join(c + "\n" for c in cases))
open(d + "/lava.ktap", "w").write("".join(k + "\n" for k in ktap))
open(d + "/boot-command", "w").write(boot + "\n")
open(d + "/job-result", "w").write(job + "\n")
open(d + "/durations", "w").write(" ".join(durs) + "\n")
EOF
}

# ktap_cases KTAP: "ID RESULT" per result line, as /bin/ic-lava-run reports.
ktap_cases() {
	sed -n -e 's/^not ok [0-9][0-9]* \([^ #]*\).*/\1 fail/p' \
		-e 's/^ok [0-9][0-9]* \([^ #]*\) # SKIP.*/\1 skip/p' \
		-e 's/^ok [0-9][0-9]* \([^ #]*\)\( .*\)\{0,1\}$/\1 pass/p' "$1"
}
count_of() { # cases-file result
	awk -v r="$2" '$2 == r { n++ } END { print n + 0 }' "$1"
}
# carries FILE WORDS...: every extra option / append word is in the command.
has_options() {
	local cmd=$1 y=$2 o
	while IFS= read -r o; do
		grep -qF -- " $o" "$cmd" || { echo "# missing in LAVA's command: $o"; return 1; }
	done < <(sed -n '/^  extra_options:/,/^[a-z]/s/^  - //p' "$y" | sed -e "s/^'//" -e "s/'\$//")
}

# Job ids name lava-run's folder under /var/lib/lava/dispatcher/tmp and the
# guest's /lava-ID: unique per run.
id=$(($$ * 10))
for c in $CONFIGS; do
	id=$((id + 1))
	d=$work/$c
	y=$work/jobs/$c.yaml
	if [ "${REUSE:-0}" != 1 ]; then
		rm -rf "$d"
		mkdir -p "$d"
		if ! render "$y" "$d/device.yaml" 2>"$d/render.err"; then
			not_ok "$c: device dictionary rendered with the job's context"
			sed 's/^/# /' "$d/render.err" | tail -n 5
			continue
		fi
		t0=$(date +%s)
		lock=()
		[ -n "${VM_LOCK:-}" ] && lock=(flock "$VM_LOCK")
		"${lock[@]}" lava-run --job-id "$id" --output-dir "$d/out" --device "$d/device.yaml" \
			"$y" >"$d/job.log" 2>&1
		echo "$? $(($(date +%s) - t0))" >"$d/rc"
	fi
	read -r rc wall <"$d/rc"
	digest "$d/job.log" "$d"
	echo "# $c: lava-run exit $rc, ${wall}s wall; actions: $(cat "$d/durations")"
	check "$c: the LAVA job completes (job result $(cat "$d/job-result"), lava-run exit $rc)" \
		eval '[ "$(cat "$d/job-result")" = pass ] && [ "$rc" = 0 ]'
	ktap_cases "$d/lava.ktap" | sort >"$d/ktap.cases"
	read -r tp tf ts < <(ktap_totals "$d/lava.ktap")
	nk=$(wc -l <"$d/ktap.cases")
	check "$c: the guest's KTAP is in the job log ($nk cases, Totals $tp/$tf/$ts pass/fail/skip)" \
		eval '[ "$nk" -gt 0 ] && grep -q "^# Totals: " "$d/lava.ktap"'
	sort "$d/lava.cases" >"$d/lava.sorted"
	lp=$(count_of "$d/lava.sorted" pass) lf=$(count_of "$d/lava.sorted" fail) ls=$(count_of "$d/lava.sorted" skip)
	check "$c: LAVA recorded $lp/$lf/$ls pass/fail/skip = the KTAP Totals $tp/$tf/$ts" \
		eval '[ "$nk" -gt 0 ] && [ "$lp $lf $ls" = "$tp $tf $ts" ]'
	check "$c: LAVA's result per case = the KTAP's ($(wc -l <"$d/lava.sorted") cases)" \
		eval '[ -s "$d/lava.sorted" ] && diff "$d/ktap.cases" "$d/lava.sorted" >"$d/cases.diff"'
	[ -s "$d/cases.diff" ] && head -n 10 "$d/cases.diff" | sed 's/^/#   /'
	append=$(sed -n 's/^ *image_arg: .*-append "\(.*\)".*/\1/p' "$y")
	check "$c: LAVA's QEMU command has the job's extra_options and -append \"$append\"" \
		eval 'has_options "$d/boot-command" "$y" && grep -qF -- "-append \"$append\"" "$d/boot-command"'
	if [ -f "$TOP/build/vm/$c.ktap" ]; then
		echo "# $c: make vm-check's own run (build/vm/$c.ktap): Totals $(ktap_totals "$TOP/build/vm/$c.ktap") pass/fail/skip"
	fi
	# Failing cases, known findings (vm/known-findings.txt) or NEW: what
	# the lab would show, for the reader; LAVA's faithfulness is the check.
	awk '/^not ok [0-9]+ / { print $4 }' "$d/lava.ktap" | while read -r id; do
		if grep -qE "^${c}[[:space:]]+${id}[[:space:]]" "$TOP/vm/known-findings.txt"; then
			echo "# $c failing: $id (known finding $(awk -v c="$c" -v i="$id" '$1 == c && $2 == i { print $3 }' "$TOP/vm/known-findings.txt"))"
		else
			echo "# $c failing: $id (NEW)"
		fi
	done
done
finish
