#!/usr/bin/env bash
# vm/lava-jobs.sh, without LAVA or a guest (seconds): every stanza of
# vm/configs.cfg gets a job and nothing else does; each job's QEMU options
# (context.extra_options, memory, and on arm64 machine and cpu) and kernel
# command line are the ones vm/run-config.sh passes for that stanza, seen
# by running vm/run-config.sh on a stand-in QEMU that records its argv;
# the test definition carries the stanza's suite arguments. The comparison
# must catch a job with one device dropped, and a stanza added to a copy of
# configs.cfg must get its job. The jobs parse as YAML with the expected
# shape when /usr/bin/python3 has the yaml module (lava-dispatcher brings
# it), else that check is skipped.
# Prints ok / not ok lines and "N passed, N failed[, N skipped]".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$top/vm/lib.sh"
. "$VM_DIR/cfg.sh"
tmp=$(mktemp -d)
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT

n=0 p=0 f=0 s=0
result() { # status description [detail file]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
		p=$((p + 1))
	else
		echo "not ok $n $2"
		f=$((f + 1))
		[ -n "${3:-}" ] && [ -s "$3" ] && sed 's/^/#   /' "$3" | head -n 20
	fi
}
skip() {
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
	s=$((s + 1))
}

# The harness's argv for NAME: vm/run-config.sh on a QEMU that records it.
cat >"$tmp/qemu" <<'EOF'
#!/bin/sh
[ "$1" = --version ] && { echo "QEMU emulator version 7.2.22"; exit 0; }
for a in "$@"; do printf '%s\n' "$a"; done >"$FAKE_QEMU_ARGS"
EOF
chmod +x "$tmp/qemu"
: >"$tmp/kernel"
: >"$tmp/initrd"
harness_argv() { # name -> argv, one word a line
	FAKE_QEMU_ARGS=$tmp/$1.argv QEMU=$tmp/qemu KERNEL=$tmp/kernel INITRAMFS=$tmp/initrd \
		OUT_DIR=$tmp/vm QUIET=1 "$VM_DIR/run-config.sh" "$1" >/dev/null 2>&1
	cat "$tmp/$1.argv" 2>/dev/null
}

# pairs: QEMU argv (one word a line) -> one "option value" per line, -M
# spelled -machine. Harness-only options (-nographic, -monitor, -kernel,
# -initrd, -append) are dropped; the console's and the KTAP chardev's host
# files become the backends the LAVA job uses (stdio, null).
pairs() {
	awk '
		function out(o, v) {
			if (o == "-M") o = "-machine"
			if (o == "-chardev" && v ~ /^file,id=ktap,/) v = "null,id=ktap"
			if (o == "-serial" && v ~ /^file:/) v = "stdio"
			if (o != "-nographic" && o != "-monitor" && o != "-kernel" && o != "-initrd" &&
			    o != "-append")
				print (v == "" ? o : o " " v)
		}
		/^-/ { if (opt != "") out(opt, val); opt = $0; val = ""; next }
		{ val = (val == "" ? $0 : val " " $0) }
		END { if (opt != "") out(opt, val) }'
}

# The job's side of the same: context memory, machine, cpu and extra_options
# as vm/lava-jobs.sh writes them (one-line single-quoted scalars).
unq() { sed -e "s/^'//" -e "s/'\$//" -e "s/''/'/g"; }
job_argv() { # job.yaml -> words
	local y=$1 v
	v=$(sed -n "s/^  machine: //p" "$y" | unq)
	[ -n "$v" ] && printf '%s\n%s\n' -machine "$v"
	v=$(sed -n "s/^  cpu: //p" "$y" | unq)
	[ -n "$v" ] && printf '%s\n%s\n' -cpu "$v"
	v=$(sed -n "s/^  memory: //p" "$y" | unq)
	printf '%s\n%s\n' -m "$v"
	sed -n '/^  extra_options:/,/^[a-z]/s/^  - //p' "$y" | unq | tr ' ' '\n'
}
job_append() {
	sed -n 's/^ *image_arg: .*-append "\(.*\)".*/\1/p' "$1" | tr -s ' ' '\n' | sed '/^$/d'
}

# same_options NAME JOB: the job's options equal the harness's, as sorted
# pairs and with the devices in the same order (PCI slots without addr=
# are handed out in command-line order).
same_options() {
	local name=$1 y=$2
	harness_argv "$name" | pairs >"$tmp/h.pairs"
	job_argv "$y" | pairs >"$tmp/j.pairs"
	[ -s "$tmp/h.pairs" ] || { echo "no argv recorded for $name" >"$tmp/why"; return 1; }
	if ! diff <(sort "$tmp/h.pairs") <(sort "$tmp/j.pairs") >"$tmp/why"; then
		return 1
	fi
	diff <(grep '^-device ' "$tmp/h.pairs") <(grep '^-device ' "$tmp/j.pairs") >"$tmp/why"
}
same_append() {
	local name=$1 y=$2
	sed -n '/^-append$/{n;p}' "$tmp/$name.argv" | tr -s ' ' '\n' | sed '/^$/d' >"$tmp/h.append"
	job_append "$y" >"$tmp/j.append"
	[ -s "$tmp/h.append" ] && diff "$tmp/h.append" "$tmp/j.append" >"$tmp/why"
}

# --- every stanza gets a job, and only those -------------------------------
out=$tmp/lava
OUT=$out "$VM_DIR/lava-jobs.sh" >"$tmp/written" 2>"$tmp/err"
rc=$?
result "$rc" "vm/lava-jobs.sh writes the jobs (exit 0)" "$tmp/err"
cfg_names | sort >"$tmp/names"
(cd "$out" && ls -- *.yaml 2>/dev/null | sed 's/\.yaml$//' | sort) >"$tmp/jobs"
diff "$tmp/names" "$tmp/jobs" >"$tmp/why"
result $? "one job per stanza of vm/configs.cfg ($(wc -l <"$tmp/names") stanzas), no other" "$tmp/why"

# --- options and command line as vm/run-config.sh passes them ------------
bad=0 badapp=0 badargs=0
: >"$tmp/bad"
for name in $(cfg_names); do
	y=$out/$name.yaml
	if ! same_options "$name" "$y"; then
		bad=$((bad + 1))
		{ echo "$name:"; cat "$tmp/why"; } >>"$tmp/bad"
	fi
	if ! same_append "$name" "$y"; then
		badapp=$((badapp + 1))
		{ echo "$name (kernel command line):"; cat "$tmp/why"; } >>"$tmp/bad"
	fi
	args=$(cfg_get "$name" args)
	grep -qxF "          IC_ARGS: '${args//\'/\'\'}'" "$y" || {
		badargs=$((badargs + 1))
		echo "$name: IC_ARGS is not the stanza's args" >>"$tmp/bad"
	}
done
[ "$bad" = 0 ]
result $? "every job's QEMU options = vm/run-config.sh's for its stanza (mismatches: $bad)" "$tmp/bad"
[ "$badapp" = 0 ]
result $? "every job's kernel command line = vm/run-config.sh's -append (mismatches: $badapp)" "$tmp/bad"
[ "$badargs" = 0 ]
result $? "every job's test definition carries the stanza's suite args (mismatches: $badargs)" "$tmp/bad"

# --- the comparison can fail ----------------------------------------------
grep -v "^  - '-device edu,addr=0x11," "$out/intel.yaml" >"$tmp/dropped.yaml"
! same_options intel "$tmp/dropped.yaml"
result $? "a job with one edu dropped is told apart from vm/run-config.sh's options"

# --- generated from configs.cfg: a new stanza gets its job ----------------
cp "$CONFIGS_CFG" "$tmp/c.cfg"
printf '\n[lava-probe]\nviommu = -device virtio-iommu-pci\nshared_group = no\n' >>"$tmp/c.cfg"
CONFIGS_CFG=$tmp/c.cfg OUT=$tmp/lava2 "$VM_DIR/lava-jobs.sh" lava-probe >/dev/null 2>"$tmp/err"
grep -qxF "  - '-device virtio-iommu-pci'" "$tmp/lava2/lava-probe.yaml" 2>/dev/null
result $? "a stanza added to configs.cfg gets its job, with its vIOMMU" "$tmp/err"

# --- YAML shape (needs python3's yaml module) -----------------------------
if /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
	/usr/bin/python3 - "$out" >"$tmp/why" 2>&1 <<'EOF'
import os, sys, yaml
bad = 0
for f in sorted(os.listdir(sys.argv[1])):
    j = yaml.safe_load(open(os.path.join(sys.argv[1], f)))
    try:
        assert j["device_type"] == "qemu"
        dep, boot, test = (a[k] for a, k in zip(j["actions"], ("deploy", "boot", "test")))
        assert dep["to"] == "tmpfs"
        imgs = dep["images"]
        assert set(imgs) == {"kernel", "initrd"}
        assert imgs["kernel"]["image_arg"].startswith("-kernel {kernel} -append ")
        assert imgs["initrd"]["format"] == "cpio.newc" and imgs["initrd"]["overlays"] == {"lava": True}
        assert boot["method"] == "qemu" and boot["prompts"]
        d = test["definitions"][0]
        assert d["from"] == "inline" and d["repository"]["run"]["steps"][-1] == "/bin/ic-lava-run"
        assert d["repository"]["params"]["IC_CONFIG"] == f[:-5]
        assert all(isinstance(o, str) for o in j["context"]["extra_options"])
    except (AssertionError, KeyError, TypeError, ValueError) as e:
        print("%s: %r" % (f, e))
        bad += 1
sys.exit(1 if bad else 0)
EOF
	result $? "every job parses as YAML: qemu, tmpfs (kernel + initrd with LAVA's overlay), inline test definition" "$tmp/why"
else
	skip "the jobs parse as YAML" "no yaml module in /usr/bin/python3 (apt-get install python3-yaml)"
fi

echo "$p passed, $f failed, $s skipped"
[ "$f" = 0 ]
