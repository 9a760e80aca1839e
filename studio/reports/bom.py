"""The bill of materials as files: CSV (one table, totals rows at the end) and XLSX (openpyxl: a
summary sheet, one sheet per section with a totals row, a sheet of price sources).

Cells are typed: quantities are integers, prices are numbers with a currency format, a line
without a list price leaves its price cells empty (never zero). Totals are values, not formulas,
so that any reader (and the tests) sees them without a spreadsheet engine.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from studio.domain.bom import POWER_LABELS, BillOfMaterials

CSV_HEADER = ["section", "item", "description", "quantity", "unit_price_usd", "extended_usd", "status",
              "price_date", "price_confidence", "price_source", "note"]
USD_FORMAT = '"$"#,##0'
COUNT_FORMAT = "#,##0"
KW_FORMAT = "#,##0.0"
HEADER_FILL = PatternFill("solid", fgColor="E9EEF5")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
SHEET_COLUMNS = [("Item", 24), ("Description", 62), ("Quantity", 11), ("Unit price (USD)", 17),
                 ("Extended (USD)", 17), ("Status", 30), ("Price date", 11), ("Confidence", 11), ("Note", 40)]


def bom_csv(bom: BillOfMaterials) -> str:
    """The BOM as CSV text: one row per line, then the capex total and the power and heat totals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for line in bom.lines:
        writer.writerow([line.section, line.slug, line.description, line.quantity,
                         _num(line.unit_price_usd), _num(line.extended_usd), line.status, line.price_date,
                         line.price_confidence, line.price_source, line.note])
    writer.writerow(["Total", "", "Capex (lines with a list price)", "", "", _num(bom.capex_usd), "", "", "", "",
                     f"{len(bom.unpriced_lines)} line(s) without a list price are not in this total"])
    for key, label, unit in POWER_LABELS:
        writer.writerow(["Total", key, f"{label} ({unit})", "", "", "", "", "", "", "", _num(bom.power[key])])
    return out.getvalue()


def _num(value):
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else round(float(value), 3)


def _header(ws, titles) -> None:
    for col, (title, width) in enumerate(titles, start=1):
        cell = ws.cell(row=1, column=col, value=title)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"


def _summary_sheet(ws, bom: BillOfMaterials) -> None:
    ws.title = "Summary"
    ws["A1"] = f"Bill of materials — {bom.design_name}"
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 10
    row = 3
    ws.cell(row=row, column=1, value="Section").font = BOLD
    ws.cell(row=row, column=2, value="Extended (USD)").font = BOLD
    for section in bom.sections:
        row += 1
        ws.cell(row=row, column=1, value=section)
        ws.cell(row=row, column=2, value=bom.section_usd(section)).number_format = USD_FORMAT
    row += 1
    ws.cell(row=row, column=1, value="Capex total (lines with a list price)").font = BOLD
    total = ws.cell(row=row, column=2, value=bom.capex_usd)
    total.number_format, total.font = USD_FORMAT, BOLD
    if bom.unpriced_lines:
        row += 1
        ws.cell(row=row, column=1, value=f"{len(bom.unpriced_lines)} line(s) have no list price and are not in "
                                         "the total")
    row += 2
    ws.cell(row=row, column=1, value="Power and heat (from the design's validation)").font = BOLD
    for key, label, unit in POWER_LABELS:
        row += 1
        ws.cell(row=row, column=1, value=label)
        ws.cell(row=row, column=2, value=float(bom.power[key])).number_format = KW_FORMAT
        ws.cell(row=row, column=3, value=unit)
    row += 2
    ws.cell(row=row, column=1, value="GPUs").font = BOLD
    ws.cell(row=row, column=2, value=int(bom.totals.gpus)).number_format = COUNT_FORMAT
    row += 1
    ws.cell(row=row, column=1, value="Racks").font = BOLD
    ws.cell(row=row, column=2, value=int(bom.totals.racks)).number_format = COUNT_FORMAT


def _section_sheet(ws, bom: BillOfMaterials, section: str) -> None:
    ws.title = section[:31]
    _header(ws, SHEET_COLUMNS)
    row = 1
    for line in bom.section(section):
        row += 1
        values = [line.slug, line.description, line.quantity, line.unit_price_usd if line.priced else None,
                  line.extended_usd, line.status, line.price_date or None, line.price_confidence or None,
                  line.note or None]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            if col == 3:
                cell.number_format = COUNT_FORMAT
            elif col in (4, 5):
                cell.number_format = USD_FORMAT
    ws.auto_filter.ref = f"A1:{get_column_letter(len(SHEET_COLUMNS))}{row}"
    for cells in ws.iter_rows(min_row=2, max_row=row, min_col=2, max_col=2):
        cells[0].alignment = WRAP
    row += 1
    ws.cell(row=row, column=1, value="Total").font = BOLD
    ws.cell(row=row, column=2, value=f"{section} (lines with a list price)").font = BOLD
    total = ws.cell(row=row, column=5, value=bom.section_usd(section))
    total.number_format, total.font = USD_FORMAT, BOLD


def _sources_sheet(ws, bom: BillOfMaterials) -> None:
    ws.title = "Sources"
    _header(ws, [("Item", 24), ("Name", 50), ("List price (USD)", 17), ("Currency", 10), ("Price date", 11),
                 ("Confidence", 11), ("Source", 90)])
    for row, s in enumerate(bom.sources, start=2):
        price = s.price
        row_values = [s.slug, s.name, float(price.list_usd), price.currency, price.date, price.confidence, price.source]
        for col, value in enumerate(row_values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            if col == 3:
                cell.number_format = USD_FORMAT


def bom_xlsx(bom: BillOfMaterials) -> bytes:
    """The BOM as an XLSX workbook: Summary, one sheet per section, Sources."""
    wb = Workbook()
    _summary_sheet(wb.active, bom)
    for section in bom.sections:
        _section_sheet(wb.create_sheet(), bom, section)
    _sources_sheet(wb.create_sheet(), bom)
    for ws in wb.worksheets:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.properties.title = f"Bill of materials — {bom.design_name}"
    wb.properties.creator = "AI Factory Studio"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
