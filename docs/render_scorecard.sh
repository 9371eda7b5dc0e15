#!/usr/bin/env bash
# Render the scorecard of the five sample policies to the pictures in docs/scorecard.md:
# audit policies/, import the example reviews, convert the workbook to PDF with LibreOffice,
# and turn the first Summary page and the first two Findings pages into cropped PNGs.
#
# Needs LibreOffice Calc and poppler-utils (apt-get install libreoffice-calc poppler-utils).
# Usage: docs/render_scorecard.sh            (from any folder; writes docs/img/*.png)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
auditor="${AUDITOR:-$root/.venv/bin/auditor}"
python="${PYTHON:-$root/.venv/bin/python}"
dpi="${DPI:-100}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$auditor" audit policies --checklist checklists/baseline.yaml --out "$work/out" --quiet
"$auditor" review import docs/scorecard-example-reviews.json --out "$work/out"
# A private LibreOffice profile, so a running LibreOffice or a first-start dialog cannot interfere.
libreoffice -env:UserInstallation="file://$work/profile" --headless --convert-to pdf \
    --outdir "$work" "$work/out/scorecard.xlsx" >/dev/null
pdf="$work/scorecard.pdf"

# page_of SHEET N: the PDF page of the SHEET's Nth page, found by the footer the workbook's
# print set-up puts on every page ("SHEET, page P of Q"; LibreOffice counts P across sheets).
page_of() {
    local pages seen=0
    pages="$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')"
    for ((p = 1; p <= pages; p++)); do
        if pdftotext -f "$p" -l "$p" "$pdf" - | grep -q "^$1, page [0-9]* of "; then
            seen=$((seen + 1))
            if ((seen == $2)); then
                echo "$p"
                return
            fi
        fi
    done
    echo "render_scorecard.sh: the PDF has no page $2 of sheet $1" >&2
    return 1
}

# render PAGE NAME: PNG of the page, cropped to its text (footer excluded) plus a margin.
render() {
    local box
    box="$(pdftotext -f "$1" -l "$1" -bbox "$pdf" - | "$python" -c '
import re, sys
dpi = float(sys.argv[1])
html = sys.stdin.read()
height = float(re.search(r"<page width=\"[\d.]+\" height=\"([\d.]+)\"", html).group(1))
boxes = [tuple(map(float, m)) for m in re.findall(
    r"<word xMin=\"([\d.]+)\" yMin=\"([\d.]+)\" xMax=\"([\d.]+)\" yMax=\"([\d.]+)\"", html)]
boxes = [b for b in boxes if b[1] < height - 40]  # the page-number footer
x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
px = lambda pt: int(pt * dpi / 72)
pad = 12
print(max(px(x0) - pad, 0), max(px(y0) - pad, 0), px(x1 - x0) + 2 * pad, px(y1 - y0) + 2 * pad)
' "$dpi")"
    read -r x y w h <<<"$box"
    pdftoppm -png -r "$dpi" -f "$1" -l "$1" -singlefile -x "$x" -y "$y" -W "$w" -H "$h" \
        "$pdf" "docs/img/$2"
    echo "wrote docs/img/$2.png (page $1)"
}

mkdir -p docs/img
summary="$(page_of Summary 1)"
findings="$(page_of Findings 1)"
review="$(page_of Findings 2)"  # the same rows' review columns (pages run over, then down)
render "$summary" scorecard-summary
render "$findings" scorecard-findings-evidence
render "$review" scorecard-findings-review
