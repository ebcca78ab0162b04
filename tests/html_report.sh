#!/usr/bin/env bash
# The HTML report in a real browser: headless Chromium renders the report of a
# generated batch (a screenshot is taken) and its DOM, after the page's script
# ran, is checked: the findings table has one row per finding, and a filter
# preset in the address hides exactly the other rows.
#
# Usage: bash tests/html_report.sh PATH/TO/nianbao [SCREENSHOT.png]
# Needs Debian's chromium (installed here when missing; .ci/run runs this).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "$1")
shot=${2:-}

if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp/年报" <<'PY'
import pathlib, sys
root = pathlib.Path("tests/fixtures")
clean = (root / "clean.yaml").read_text()
seed = (root / "seed.yaml").read_text()
out = pathlib.Path(sys.argv[1]); out.mkdir()
cities = ["洮南市", "白城市", "大安市", "镇赉县", "通榆县"]
for i in range(120):
    c = cities[i % 5]
    (out / f"good-{i:03}.yaml").write_text(clean.replace("洮南市", c))
for i in range(70):
    c = cities[i % 5]
    text = seed if i % 2 == 0 else clean.replace("new: {natural: 5,", "new: {natural: 7,", 1)
    (out / f"bad-{i:03}.yaml").write_text(text.replace("洮南市", c))
for i in range(12):
    (out / f"corrupt-{i:03}.yaml").write_text("tables:\n  t3:\n    new: {natural: 1\n")
PY

"$bin" check -q --format html -o "$tmp/report.html" "$tmp/年报" || true
"$bin" check -q --format json "$tmp/年报" > "$tmp/report.json" || true

chrome() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$tmp/profile" "$@" 2>/dev/null
}

url="file://$tmp/report.html"
chrome --dump-dom "$url" > "$tmp/all.html"
chrome --dump-dom "$url#severity=error&rule=R3-ROWSUM" > "$tmp/filtered.html"
if [ -n "$shot" ]; then
  chrome --window-size=1400,1100 --hide-scrollbars --screenshot="$(realpath -m "$shot")" "$url#rule=R3-RESULTSUM"
fi

python3 - "$tmp" <<'PY'
import json, re, sys, pathlib
tmp = pathlib.Path(sys.argv[1])
report = json.loads((tmp / "report.json").read_text())
findings = [f for file in report["files"] for f in file["findings"]]
rowsum = [f for f in findings if f["rule"] == "R3-ROWSUM" and f["severity"] == "error"]

def rows(name):
    dom = (tmp / name).read_text()
    body = dom.split('id="findings"', 1)[1]
    trs = re.findall(r'<tr data-severity="[^"]*" data-rule="[^"]*"( class="[^"]*")?', body)
    shown = [t for t in trs if "hidden" not in t]
    count = re.search(r'id="f-count">(\d+)<', dom).group(1)
    return len(trs), len(shown), int(count)

failed = 0
def check(what, got, want):
    global failed
    ok = got == want
    failed += not ok
    print(f"{'ok' if ok else 'FAILED'}: {what}: {got} (want {want})")

total, shown, count = rows("all.html")
check("rows in the findings table", total, len(findings))
check("rows shown without a filter", shown, len(findings))
check("count shown without a filter", count, len(findings))
total, shown, count = rows("filtered.html")
check("rows shown for error + R3-ROWSUM", shown, len(rowsum))
check("count shown for error + R3-ROWSUM", count, len(rowsum))
check("files in the batch", len(report["files"]), 202)
print(f"{6 - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
