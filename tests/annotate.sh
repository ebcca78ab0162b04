#!/usr/bin/env bash
# `nianbao annotate` checked with other tools than nianbao's own readers:
#
# - DOCX (seed, automatic numbering, full-width digits): python-docx reads the
#   copy's comments; each finding's comment is on the table cell of its
#   location (python-docx's merge-expanded grid) or on its paragraph; the
#   copy converts to PDF with LibreOffice, whose export carries one comment
#   per finding, each level with the text it is on; checking the copy gives
#   the same findings.
# - XLSX (tables on separate sheets, a whole report on one sheet): openpyxl
#   reads a note on the sheet and cell of each finding, holding the number
#   found; LibreOffice reads the same notes on the same cells (its flat ODS
#   export); checking the copy gives the same findings.
# - PDF (seed, numbering — table 三 over a page break —, WeasyPrint, and the
#   seed rewritten with a cross-reference stream numbered at the trailer's
#   /Size, as many producers write them): qpdf --check passes, pdftotext gives
#   the same text, the original is a prefix, every /Annots entry of every page
#   is an annotation (pypdf), and each highlight's boxes hold the words
#   (pdftotext -bbox) of its cell: the number found.
#
# Usage: bash tests/annotate.sh PATH/TO/nianbao [SCREENSHOT.png]
# With a second argument, table 三 of the seed's annotated copy as LibreOffice
# renders it (PDF → PNG, comment marks on the cells) is saved there
# (docs/images/annotated-docx.png).
# Needs LibreOffice, poppler-utils, qpdf, CJK fonts, python-docx, openpyxl
# and pypdf (installed here when missing; .ci/run runs this).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "$1")
shot=${2:-}

need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
# Calc reads the annotated workbooks back (xlsx → fods); a machine with Writer alone lacks it.
ls /usr/lib/libreoffice/program/libsclo.so >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
python3 -c "import docx" 2>/dev/null || python3 -m pip install -q python-docx
python3 -c "import openpyxl" 2>/dev/null || python3 -m pip install -q openpyxl
python3 -c "import pypdf" 2>/dev/null || python3 -m pip install -q pypdf

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home"   # LibreOffice's profile, away from the user's

for name in seed numbering fullwidth; do
  "$bin" check --format json "tests/fixtures/$name.docx" > "$tmp/$name.docx.json" || true
  "$bin" annotate -q "tests/fixtures/$name.docx" -o "$tmp/$name.批注.docx" > /dev/null || [ $? -eq 1 ]
  "$bin" check --format json "$tmp/$name.批注.docx" > "$tmp/$name.again.json" || true
  soffice --headless --convert-to 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}' \
    --outdir "$tmp/lo" "$tmp/$name.批注.docx" > /dev/null 2>&1
  pdftotext -bbox "$tmp/lo/$name.批注.pdf" "$tmp/lo/$name.bbox.html" 2>/dev/null
  qpdf --json "$tmp/lo/$name.批注.pdf" > "$tmp/lo/$name.qpdf.json"
done
for name in seed-sheets seed; do
  "$bin" check --format json "tests/fixtures/$name.xlsx" > "$tmp/$name.xlsx.json" || true
  "$bin" annotate -q "tests/fixtures/$name.xlsx" -o "$tmp/$name.批注.xlsx" > /dev/null || [ $? -eq 1 ]
  "$bin" check --format json "$tmp/$name.批注.xlsx" > "$tmp/$name.xlsx.again.json" || true
  soffice --headless --convert-to fods --outdir "$tmp/lo" "$tmp/$name.批注.xlsx" > /dev/null 2>&1
done
mkdir -p "$tmp/in"
cp tests/fixtures/seed.pdf tests/fixtures/numbering.pdf tests/fixtures/seed-weasyprint.pdf "$tmp/in/"
# The seed's last cross-reference section as a stream numbered at /Size and
# not listed in itself (the offsets of the objects before it are unchanged).
python3 - "$tmp/in/seed.pdf" "$tmp/in/seed-xrefstm.pdf" <<'PY'
import re, struct, sys
data = open(sys.argv[1], "rb").read()
start = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
table, trailer = data[start:].split(b"trailer", 1)
entries, lines, i = {}, table.split(b"\n")[1:], 0
while i < len(lines):
    head = lines[i].split()
    i += 1
    if len(head) == 2:
        for k in range(int(head[1])):
            offset, generation, kind = lines[i].split()[:3]
            i += 1
            entries[int(head[0]) + k] = (1 if kind == b"n" else 0, int(offset), int(generation))
size = int(re.search(rb"/Size\s+(\d+)", trailer).group(1))
refs = b"".join(m.group(0) for m in re.finditer(rb"/(?:Root|Info)\s+\d+\s+\d+\s+R", trailer))
rows = b"".join(struct.pack(">BIH", *entries.get(n, (0, 0, 0))) for n in range(size))
head = b"%d 0 obj\n<</Type/XRef/Size %d/W[1 4 2]/Index[0 %d]%s/Length %d>>\nstream\n" % (size, size, size, refs, len(rows))
open(sys.argv[2], "wb").write(data[:start] + head + rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start)
PY
for name in seed numbering seed-weasyprint seed-xrefstm; do
  "$bin" check --format json "$tmp/in/$name.pdf" > "$tmp/$name.pdf.json" || true
  "$bin" annotate -q "$tmp/in/$name.pdf" -o "$tmp/$name.批注.pdf" > /dev/null || [ $? -eq 1 ]
  qpdf --check "$tmp/$name.批注.pdf" > "$tmp/$name.qpdf-check.txt" 2>&1 && echo ok > "$tmp/$name.qpdf-ok" || true
  pdftotext "$tmp/in/$name.pdf" "$tmp/$name.before.txt"
  pdftotext "$tmp/$name.批注.pdf" "$tmp/$name.after.txt"
  pdftotext -bbox "$tmp/$name.批注.pdf" "$tmp/$name.bbox.html"
  qpdf --json "$tmp/$name.批注.pdf" > "$tmp/$name.qpdf.json"
done
if [ -n "$shot" ]; then
  # The lower half of table 三: the comment marks on （七）总计's two cells.
  pdftoppm -r 110 -png -f 2 -l 2 -x 0 -y 600 -W 910 -H 660 -singlefile "$tmp/lo/seed.批注.pdf" "$tmp/shot"
  cp "$tmp/shot.png" "$(realpath -m "$shot")"
fi

python3 - "$tmp" <<'PY'
import json, re, sys, pathlib, html
import docx

tmp = pathlib.Path(sys.argv[1])
failed = 0
def check(what, ok, detail=""):
    global failed
    failed += not ok
    print(f"{'ok' if ok else 'FAILED'}: {what}{'' if ok else ': ' + str(detail)}")

LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

def head(f):
    return f"{LABEL[f['severity']]} [{f['rule']}] {f['message']}"

def words(bbox_file):
    """Words per page: (text, xMin, yMin, xMax, yMax) in points, y down, and the page height."""
    pages = []
    for page in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', bbox_file.read_text(), re.S):
        ws = [(html.unescape(t), float(a), float(b), float(c), float(d))
              for a, b, c, d, t in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page[2])]
        pages.append((float(page[1]), ws))
    return pages

def qpdf_string(v):
    if isinstance(v, str) and v.startswith("u:"):
        return v[2:]
    if isinstance(v, str) and v.startswith("b:"):
        b = bytes.fromhex(v[2:])
        return b[2:].decode("utf-16-be") if b[:2] == b"\xfe\xff" else b.decode("latin-1")
    return v

def annots(qpdf_json):
    """Annotations: (page number, dict) from qpdf's JSON."""
    data = json.loads(qpdf_json.read_text())
    objects = data.get("qpdf", [{}, {}])[1] if "qpdf" in data else data["objects"]
    def value(ref):
        o = objects.get(f"obj:{ref}", {})
        return o.get("value", o)
    pages = [p["object"] for p in data.get("pages", [])]
    if not pages:  # LibreOffice's file: find the pages in the page tree order
        pages = [k[4:] for k, v in objects.items() if isinstance(v.get("value"), dict) and v["value"].get("/Type") == "/Page"]
    out = []
    for n, ref in enumerate(pages, 1):
        page = value(ref)
        arr = page.get("/Annots", [])
        if isinstance(arr, str):
            arr = value(arr)
        for a in arr:
            out.append((n, value(a)))
    return out

# ---------- DOCX ----------
for name in ["seed", "numbering", "fullwidth"]:
    findings = json.loads((tmp / f"{name}.docx.json").read_text())["files"][0]["findings"]
    again = json.loads((tmp / f"{name}.again.json").read_text())["files"][0]["findings"]
    key = lambda fs: [(f["rule"], f["message"], json.dumps(f["location"], sort_keys=True), f["fingerprint"]) for f in fs]
    check(f"{name}.docx: checking the copy gives the same findings", key(again) == key(findings))
    d = docx.Document(str(tmp / f"{name}.批注.docx"))
    comments = {c.comment_id: c for c in d.comments}
    check(f"{name}.docx: one comment per finding (python-docx)", len(comments) == len(findings), (len(comments), len(findings)))
    check(f"{name}.docx: author nianbao", all(c.author == "nianbao" for c in comments.values()))
    body = d.element.body
    def anchored(cid):
        """The elements holding the start of the comment's range."""
        return [e for e in body.iter(f"{W}commentRangeStart") if e.get(f"{W}id") == str(cid)]
    on_cell = on_para = 0
    for cid, f in enumerate(findings):
        c = comments.get(cid)
        if c is None or not c.text.startswith(head(f)):
            check(f"{name}.docx: comment {cid} says {head(f)[:30]}…", False, c.text[:80] if c else None)
            continue
        starts = anchored(cid)
        loc = f["location"]
        if "cell" in loc:
            cell = loc["cell"]
            table = d.tables[cell["table_index"] - 1]
            tc = table.cell(cell["row"] - 1, cell["column"] - 1)
            inside = [s for s in starts if tc._tc in list(s.iterancestors())]
            ok = len(inside) == 1 and tc.text.strip() == str(f["found"])
            on_cell += ok
            check(f"{name}.docx: {f['rule']} comment on cell {cell} holding {f['found']}", ok, (tc.text, len(inside)))
        elif starts:
            p = next(starts[0].iterancestors(f"{W}p"))
            text = "".join(t.text or "" for t in p.iter(f"{W}t"))
            found = f.get("found")
            if isinstance(found, str) and "paragraph" in loc:
                ok = found[:8] in text
                check(f"{name}.docx: {f['rule']} comment on the paragraph with 「{found[:8]}」", ok, text[:60])
            on_para += 1
    check(f"{name}.docx: table findings on their cells", on_cell == sum("cell" in f["location"] for f in findings), on_cell)

    # LibreOffice: the copy converts, and its export has the comments, each
    # level with the text it is anchored on.
    lo = annots(tmp / "lo" / f"{name}.qpdf.json")
    notes = [(n, a) for n, a in lo if a.get("/Subtype") == "/Text"]
    check(f"{name}.docx: LibreOffice exports one comment per finding", len(notes) == len(findings), (len(notes), len(findings)))
    pages = words(tmp / "lo" / f"{name}.bbox.html")
    for f in findings:
        if f["location"].get("row_key") != "result_total":
            continue
        mine = [(n, a) for n, a in notes if qpdf_string(a.get("/Contents", "")).startswith(head(f))]
        if not mine:
            check(f"{name}.docx: LibreOffice has the comment of {f['rule']} {f['location']['column']}", False)
            continue
        n, a = mine[0]
        height, ws = pages[n - 1]
        x0, y0, x1, y1 = [float(v) for v in a["/Rect"]]
        top = height - y1  # LibreOffice puts the note's top-left at the anchor
        row = [w for w in ws if w[0].startswith("（七）总计")]
        ok = bool(row) and abs(((row[0][2] + row[0][4]) / 2) - top) < 14
        check(f"{name}.docx: LibreOffice shows {f['rule']} {f['location']['column']} on row （七）总计 (page {n})", ok, (top, row[:1]))

# ---------- XLSX ----------
import openpyxl
import xml.etree.ElementTree as ET
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"

def a1(row, col):
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"

def lo_notes(fods):
    """(sheet, A1) → note text, as LibreOffice placed them."""
    out = {}
    for t in ET.parse(fods).getroot().iter(f"{TABLE}table"):
        r = 0
        for row in t.iter(f"{TABLE}table-row"):
            c = 0
            for cell in row:
                note = cell.find(f"{OFFICE}annotation")
                if note is not None:
                    out[(t.get(f"{TABLE}name"), a1(r, c))] = "".join(note.itertext())
                c += int(cell.get(f"{TABLE}number-columns-repeated", "1"))
            r += int(row.get(f"{TABLE}number-rows-repeated", "1"))
    return out

for name in ["seed-sheets", "seed"]:
    findings = json.loads((tmp / f"{name}.xlsx.json").read_text())["files"][0]["findings"]
    again = json.loads((tmp / f"{name}.xlsx.again.json").read_text())["files"][0]["findings"]
    key = lambda fs: [(f["rule"], f["message"], json.dumps(f["location"], sort_keys=True), f["fingerprint"]) for f in fs]
    check(f"{name}.xlsx: checking the copy gives the same findings", key(again) == key(findings))
    # Values as last calculated (a total is a formula): cached values.
    wb = openpyxl.load_workbook(str(tmp / f"{name}.批注.xlsx"), data_only=True)
    notes = {(ws.title, c.coordinate): (c.value, c.comment.text)
             for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment}
    lo = lo_notes(tmp / "lo" / f"{name}.批注.fods")
    check(f"{name}.xlsx: LibreOffice finds the notes openpyxl finds, on the same cells", set(lo) == set(notes), (sorted(lo), sorted(notes)))
    for f in findings:
        loc = f["location"]
        if "cell_ref" not in loc:
            continue
        at = (loc["sheet"], loc["cell_ref"])
        value, text = notes.get(at, (None, ""))
        ok = head(f) in text and head(f) in lo.get(at, "")
        if "cell" in loc and isinstance(f.get("found"), int):
            ok = ok and str(value) == str(f["found"])
        check(f"{name}.xlsx: {f['rule']} note on {at[0]}!{at[1]}" + (f" holding {value}" if "cell" in loc else ""), ok, (value, text[:60]))

# ---------- PDF ----------
import pypdf
for name in ["seed", "numbering", "seed-weasyprint", "seed-xrefstm"]:
    findings = json.loads((tmp / f"{name}.pdf.json").read_text())["files"][0]["findings"]
    check(f"{name}.pdf: qpdf --check passes", (tmp / f"{name}.qpdf-ok").exists(), (tmp / f"{name}.qpdf-check.txt").read_text()[-300:])
    check(f"{name}.pdf: pdftotext gives the same text", (tmp / f"{name}.before.txt").read_text() == (tmp / f"{name}.after.txt").read_text())
    before = (tmp / "in" / f"{name}.pdf").read_bytes()
    check(f"{name}.pdf: the original is a prefix of the copy", (tmp / f"{name}.批注.pdf").read_bytes().startswith(before))
    entries = [(n, a.get_object()) for n, p in enumerate(pypdf.PdfReader(str(tmp / f"{name}.批注.pdf")).pages, 1)
               for a in (p.get("/Annots") or [])]
    wrong = [(n, o.get("/Type")) for n, o in entries if o.get("/Type") != "/Annot"]
    check(f"{name}.pdf: every /Annots entry is an annotation (pypdf)", bool(entries) and not wrong, wrong[:3])
    highlights = [(n, a) for n, a in annots(tmp / f"{name}.qpdf.json") if a.get("/Subtype") == "/Highlight"]
    texts = [(n, a) for n, a in annots(tmp / f"{name}.qpdf.json") if a.get("/Subtype") == "/Text"]
    check(f"{name}.pdf: a note per finding", len(texts) == len(findings), (len(texts), len(findings)))
    pages = words(tmp / f"{name}.bbox.html")
    cells = 0
    for f in findings:
        if "cell" not in f["location"] or not isinstance(f.get("found"), int):
            continue
        mine = [(n, a) for n, a in highlights if qpdf_string(a.get("/Contents", "")).startswith(head(f))]
        inside = []
        for n, a in mine:
            height, ws = pages[n - 1]
            q = [float(v) for v in a["/QuadPoints"]]
            for k in range(0, len(q), 8):
                xs, ys = q[k:k + 8:2], q[k + 1:k + 8:2]
                box = (min(xs), height - max(ys), max(xs), height - min(ys))
                inside += [w[0] for w in ws
                           if box[0] - 1 <= (w[1] + w[3]) / 2 <= box[2] + 1 and box[1] - 1 <= (w[2] + w[4]) / 2 <= box[3] + 1]
        ok = inside == [str(f["found"])]
        cells += ok
        check(f"{name}.pdf: {f['rule']} {f['location'].get('row')}·{f['location'].get('column')}: the highlight holds 「{f['found']}」 (page {f['location'].get('page')})", ok, inside)
    check(f"{name}.pdf: table findings checked", cells >= 2, cells)

print("annotated copies:", "FAILED" if failed else "ok")
sys.exit(1 if failed else 0)
PY
