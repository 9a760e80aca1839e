#!/usr/bin/env bash
# Remake the README's pictures of the PDF proposal (docs/screenshots/proposal-N.png): the proposal of
# the DGX H100 SU reference design (`manage.py proposal`, estimate run in-process), pages drawn at
# 60 dpi with pdftoppm: cover, executive summary, floor plan, rack elevations, estimate charts with the scaling path.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=docs/screenshots
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
.venv/bin/python manage.py proposal studio/reference_designs/dgx-h100-su.json -o "$WORK/proposal.pdf" \
  --customer "Acme AI Cloud" --author "Jane Planner, solutions architect"
mkdir -p "$OUT"
n=1
for page in 1 3 5 6 9; do  # cover, summary, floor plan, elevations, estimate charts and scaling path
  pdftoppm -r 60 -png -singlefile -f "$page" -l "$page" "$WORK/proposal.pdf" "$OUT/proposal-$n"
  n=$((n + 1))
done
ls -l "$OUT"/proposal-*.png
