#!/usr/bin/env bash
# The HTML matrix (matrix --html) rendered by headless Chromium, from fixed
# KTAP inputs made on the model (no VM):
#   model   the conforming run (PASS, SKIP)
#   stale   the stale-unmap negative control (FAIL: DMA-4, a known finding
#           in the fixture's known list, and DMA-5, new)
#   crash   the same run cut in the middle, then "# vm: panic" (missing
#           cells, bad health)
#   verdicts a small hand-written run with GAP, N-O and INCONCLUSIVE
# Checks, on the page as written and on the DOM Chromium builds
# (--dump-dom): self-contained (no script, no external asset), a column per
# configuration, a cell per row and configuration with a class per verdict,
# the FAIL cells present (the known one marked), every in-page link
# resolving (and the same but the FAIL checks on the page the last make
# vm-check wrote, if any); on the screenshot (--screenshot, decoded with python3's zlib):
# a PNG of the window's size, not one colour, the table's head on it and the
# FAIL cells' red below it. The FAIL checks are shown to fail on a page
# without a FAIL.
# Without Chromium (Debian's chromium; installed here when missing and
# running as root) the Chromium checks are skipped with the reason.
# Ends with "html-matrix: N passed, N failed, N skipped".
#   HTML_MATRIX_NO_INSTALL=1  never install chromium
#   CHROMIUM=PATH             the browser (default: chromium on PATH)
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/kselftest-lib.sh" # ok, not_ok, check
BIN=${BIN:-$TOP/build/iommu-conformance}
work=$TOP/build/html-matrix-test
rm -rf "$work"
mkdir -p "$work"
nskip=0
skip() { echo "ok $* # SKIP"; nskip=$((nskip + 1)); }
done_() {
	echo "html-matrix: $npass passed, $nfail failed, $nskip skipped"
	[ "$nfail" = 0 ]
	exit
}

# --- the fixed inputs --------------------------------------------------------
cd "$work" || exit 1
"$BIN" run --target model --output model.ktap >/dev/null 2>&1
"$BIN" run --target model --profile stale-unmap --output stale.ktap >/dev/null 2>&1
half=$(($(wc -l <stale.ktap) / 2))
{ head -n "$half" stale.ktap; echo "# vm: panic Kernel panic - not syncing: test"; } >crash.ktap
cat >verdicts.ktap <<'EOF'
KTAP version 1
# iommu-conformance target=kernel profile=- kernel=test dma=real version=test
1..3
# dirty bitmap over an unmapped tail: 0 (gap: the contract wants an error)
# invariant DIRTY-4 gap
ok 1 dirty.bitmap_range_checks # SKIP gap: 7.2 gives 0
# invariant DMA-2 not-observable
ok 2 dma.ro_mapping # SKIP not observable: the engine only writes
# dma write dev 0 pasid rid iova 0x100000 len 256: blocked (expected blocked)
# INCONCLUSIVE DMA-1: blocked without a landed transfer before it
# invariant DMA-1 inconclusive
not ok 3 dma.partial_unmap
# invariant DIRTY-4 gap
# invariant DMA-2 not-observable
# invariant DMA-1 inconclusive
# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:2 error:0
# vm: ok clean
EOF
# The known list: every case of the stale run that fails DMA-4, with the
# invariants it fails, so DMA-4's cell is a known finding; DMA-5 also fails
# in cases not listed, so its cell stays new.
awk '/^# invariant [^ ]+ fail$/ { f[$3] = 1 }
     /^(not )?ok / { if ("DMA-4" in f) { l = ""; for (i in f) l = l (l ? "," : "") i
					  print "stale", $4, "F-TEST", l }
		     delete f }' stale.ktap >known.txt
configs=(model stale crash verdicts)
"$BIN" matrix --html matrix.html --known known.txt \
	model=model.ktap stale=stale.ktap crash=crash.ktap verdicts=verdicts.ktap >matrix.txt 2>matrix.err
rc=$?
check "matrix --html exits 1 (cells FAIL) and writes the page" \
	eval '[ $rc = 1 ] && [ -s matrix.html ]'
# The control: the conforming run alone, no FAIL anywhere.
"$BIN" matrix --html clean.html model=model.ktap >/dev/null 2>&1
rc=$?
check "matrix --html on the conforming run alone exits 0" eval '[ $rc = 0 ] && [ -s clean.html ]'
check "the text matrix shows FAIL for DMA-4 and DMA-5 on stale" \
	eval 'grep -qE "^DMA-4 +PASS +FAIL" matrix.txt && grep -qE "^DMA-5 +PASS +FAIL" matrix.txt'

# --- the page's structure (python3's html.parser) ----------------------------
# page.py FILE CONFIG...: prints one "ok"/"not ok" line per property.
cat >page.py <<'PY'
import sys
from html.parser import HTMLParser

class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cols, self.cells, self.ids, self.links = [], [], set(), []
        self.external, self.scripts = [], 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "script":
            self.scripts += 1
        if tag == "link" or "src" in a or "://" in a.get("href", ""):
            self.external.append(tag)
        if tag == "a" and a.get("href", "").startswith("#"):
            self.links.append(a["href"][1:])
        if tag == "th" and "config" in cls:
            self.cols.append(a.get("data-config"))
        if tag == "td" and "cell" in cls:
            self.cells.append((a.get("data-row"), a.get("data-config"),
                               set(cls), a.get("data-finding")))

vm = sys.argv[1] == "--vm"  # a page make vm-check wrote: no FAIL expected
args = sys.argv[2:] if vm else sys.argv[1:]
p = Page()
p.feed(open(args[0], encoding="utf-8").read())
configs = args[1:]
def say(ok, what):
    print(("ok " if ok else "not ok ") + what)
say(not p.scripts and not p.external, "self-contained: no script, no external asset (%d scripts, %s)" % (p.scripts, p.external[:3]))
say(p.cols == configs, "a column per configuration, in order: %s" % p.cols)
rows = sorted({r for r, _, _, _ in p.cells})
grid = {(r, c) for r, c, _, _ in p.cells}
say(rows and len(p.cells) == len(rows) * len(configs) and
    all((r, c) in grid for r in rows for c in configs),
    "a cell per row and configuration (%d rows, %d cells)" % (len(rows), len(p.cells)))
verdicts = {"v-pass", "v-fail", "v-skip", "v-gap", "v-not-observable", "v-inconclusive", "v-missing"}
say(all(len(cls & verdicts) == 1 for _, _, cls, _ in p.cells), "every cell has exactly one verdict class")
dangling = [l for l in p.links if l not in p.ids]
say(p.links and not dangling, "every in-page link resolves (%d links, dangling %s)" % (len(p.links), dangling[:3]))
if not vm:
    fails = [(r, c, f) for r, c, cls, f in p.cells if "v-fail" in cls]
    say(bool(fails), "FAIL cells present: %s" % fails)
    say(("DMA-4", "stale", "F-TEST") in fails and ("DMA-5", "stale", None) in fails,
        "DMA-4 on stale is marked known (F-TEST), DMA-5 on stale is not")
    seen = set().union(*(cls for _, _, cls, _ in p.cells)) & verdicts
    say(seen == verdicts, "every verdict class shows: %s" % sorted(seen))
PY
page_checks() { # what page.py-args...: one check per line page.py prints
	local line what=$1
	shift
	while read -r line; do
		case $line in
		"ok "*) ok "$what: ${line#ok }" ;;
		*) not_ok "$what: ${line#not ok }" ;;
		esac
	done < <(python3 page.py "$@" 2>&1 || echo "not ok page.py failed")
}
page_checks "page as written" matrix.html "${configs[@]}"
# The page the last make vm-check wrote, if any: its columns are the
# configurations of the summary.json written with it.
vmdir=${VM_OUT:-$TOP/build/vm}
if [ -s "$vmdir/matrix.html" ] && [ -s "$vmdir/summary.json" ]; then
	mapfile -t vmconfigs < <(python3 -c 'import json, sys
for c in json.load(open(sys.argv[1]))["configurations"]: print(c["name"])' "$vmdir/summary.json")
	page_checks "make vm-check's page" --vm "$vmdir/matrix.html" "${vmconfigs[@]}"
else
	echo "# no matrix.html from make vm-check under ${vmdir#"$TOP"/}"
fi
# The control must fail the FAIL checks (they can fail).
python3 page.py clean.html model >clean.checks 2>&1
check "control: the conforming page fails 'FAIL cells present'" \
	grep -q "^not ok FAIL cells present" clean.checks

# --- Chromium ------------------------------------------------------------------
chrome=${CHROMIUM-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$chrome" ] && [ ! -x "$chrome" ] && chrome=
if [ -z "$chrome" ] && [ "$(id -u)" = 0 ] && [ "${HTML_MATRIX_NO_INSTALL:-0}" != 1 ]; then
	echo "# installing Debian's chromium (apt-get; its log: $work/apt.log)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=600 chromium >apt.log 2>&1 ||
		{ apt-get update -q >>apt.log 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			-o DPkg::Lock::Timeout=600 chromium >>apt.log 2>&1; }
	chrome=$(command -v chromium || true)
fi
if [ -z "$chrome" ]; then
	why="no chromium${CHROMIUM:+ at $CHROMIUM}"
	[ -n "${CHROMIUM:-}" ] || why+=" on PATH"
	[ "$(id -u)" = 0 ] || why+=" and not root to install it"
	[ -s apt.log ] && why+="; apt-get install chromium failed: $(tail -n1 apt.log)"
	skip "headless Chromium checks: $why"
	done_
fi

W=1280 H=1400
chromium_run() { # output-args... url
	local ud rc
	ud=$(mktemp -d)
	timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$ud" --window-size=$W,$H "$@" 2>>chromium.log
	rc=$?
	rm -rf "$ud"
	return $rc
}
chromium_run --dump-dom "file://$work/matrix.html" >dom.html
check "chromium --dump-dom writes the DOM" eval '[ -s dom.html ] && grep -q "</html>" dom.html'
page_checks "Chromium's DOM" dom.html "${configs[@]}"
chromium_run --screenshot="$work/matrix.png" "file://$work/matrix.html" >/dev/null
chromium_run --screenshot="$work/clean.png" "file://$work/clean.html" >/dev/null

# png.py FILE: "W H COLOURS RED" (RED: pixels of the FAIL cells' colour).
cat >png.py <<'PY'
import struct, sys, zlib

def decode(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    assert depth == 8 and ctype in (2, 6) and not interlace, "PNG kind %s" % (hdr,)
    bpp = 3 if ctype == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows

def near(px, rgb):
    return all(abs(px[i] - rgb[i]) < 8 for i in range(3))

w, h, bpp, rows = decode(sys.argv[1])
colours, head, red = set(), None, 0
for y, line in enumerate(rows):
    ndark = 0
    for x in range(0, w * bpp, bpp):
        px = tuple(line[x:x + 3])
        colours.add(px)
        ndark += near(px, (0x26, 0x32, 0x38))  # the table's head
        # A FAIL cell's red, below the table's head: in the table, not in
        # the list of failing cells above it.
        red += head is not None and near(px, (0xc6, 0x28, 0x28))
    if head is None and ndark >= 50:
        head = y
print(w, h, len(colours), -1 if head is None else head, red)
PY
read -r pw ph pcol phead pred < <(python3 png.py matrix.png 2>&1 || echo "0 0 0 -1 0")
echo "# matrix.png: ${pw}x${ph}, $pcol colours, table head at y=$phead, $pred FAIL-red pixels below it"
check "the screenshot is a ${W}x${H} PNG" eval '[ "$pw" = $W ] && [ "$ph" = $H ]'
check "the screenshot is not one colour (>= 16 colours)" eval '[ "$pcol" -ge 16 ]'
check "the table is on the screenshot (its head found)" eval '[ "$phead" -ge 0 ]'
check "the failing cells are visible: >= 300 FAIL-red pixels in the table" eval '[ "$pred" -ge 300 ]'
read -r cw ch ccol chead cred < <(python3 png.py clean.png 2>&1 || echo "0 0 0 -1 0")
echo "# clean.png: ${cw}x${ch}, $ccol colours, table head at y=$chead, $cred FAIL-red pixels below it"
check "control: the conforming page's table has no FAIL red" \
	eval '[ "$cw" = $W ] && [ "$chead" -ge 0 ] && [ "$cred" -lt 300 ]'
echo "# screenshot: $work/matrix.png"
done_
