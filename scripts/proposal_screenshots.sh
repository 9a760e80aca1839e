#!/usr/bin/env bash
# Remake the README's pictures of the PDF proposal (docs/screenshots/proposal-N.png): proposals of the
# DGX H100 SU and the MI300X inference pod reference designs (`manage.py proposal`, estimates run
# in-process), pages drawn at 60 dpi with pdftoppm: cover, executive summary, floor plan, rack
# elevations, the scaling path, and the estimate charts with the throughput-interactivity frontier.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=docs/screenshots
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

# first_page PDF TEXT: the first page from page 3 on (after the cover and contents) that contains TEXT
first_page() {
  local pages
  pages=$(pdfinfo "$1" | awk '/^Pages:/ {print $2}')
  for ((p = 3; p <= pages; p++)); do
    if pdftotext -f "$p" -l "$p" "$1" - | grep -qF "$2"; then echo "$p"; return; fi
  done
  echo "no page of $1 contains '$2'" >&2; exit 1
}

shot() {  # shot PDF PAGE N
  pdftoppm -r 60 -png -singlefile -f "$2" -l "$2" "$1" "$OUT/proposal-$3"
}

.venv/bin/python manage.py proposal studio/reference_designs/dgx-h100-su.json -o "$WORK/su.pdf" \
  --customer "Acme AI Cloud" --author "Jane Planner, solutions architect"
.venv/bin/python manage.py proposal studio/reference_designs/mi300x-inference-pod.json -o "$WORK/pod.pdf" \
  --customer "Acme AI Cloud" --author "Jane Planner, solutions architect"
shot "$WORK/su.pdf" 1 1
shot "$WORK/su.pdf" "$(first_page "$WORK/su.pdf" "What it delivers")" 2
shot "$WORK/su.pdf" "$(first_page "$WORK/su.pdf" "one grid square is one")" 3
shot "$WORK/su.pdf" "$(first_page "$WORK/su.pdf" "racks with identical contents are drawn once")" 4
shot "$WORK/su.pdf" "$(first_page "$WORK/su.pdf" "Scaling path")" 5
shot "$WORK/pod.pdf" "$(first_page "$WORK/pod.pdf" "Throughput against interactivity")" 6
ls -l "$OUT"/proposal-*.png
