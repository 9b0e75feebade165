"""Household lists in Excel: the import template, reading real officers' sheets, writing lists out.

One row per household and review year (a household with no record has one row with the year empty).
The same layout goes out (export-households) and comes back (import-excel), so a list makes the round
trip unchanged. The package's public names are gathered here; openpyxl loads only when a sheet is read.
"""

from thidua_desktop.excel.columns import COLUMNS, Column, guess_columns
from thidua_desktop.excel.planning import ExcelPlan, ExcelRefused, RowProblem, apply, import_file, plan
from thidua_desktop.excel.reading import (
    CellError,
    Sheet,
    read_date,
    read_id_number,
    read_judgement,
    read_money,
    read_sheet,
    read_year,
)
from thidua_desktop.excel.writing import TEMPLATE_ROWS, export_store, household_rows, write_households, write_template

__all__ = [
    "COLUMNS",
    "Column",
    "guess_columns",
    "ExcelPlan",
    "ExcelRefused",
    "RowProblem",
    "apply",
    "import_file",
    "plan",
    "CellError",
    "Sheet",
    "read_date",
    "read_id_number",
    "read_judgement",
    "read_money",
    "read_sheet",
    "read_year",
    "TEMPLATE_ROWS",
    "export_store",
    "household_rows",
    "write_households",
    "write_template",
]
