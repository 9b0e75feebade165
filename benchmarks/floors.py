"""The floors of benchmarks/run.py: each the least an operation must do, done the plain way, as a process
of its own. Nothing of the program is imported here (only the standard library and the libraries the
program itself builds on), so a floor pays for nothing the program adds.

    python benchmarks/floors.py OPERATION ARGS...

import-json DATASET DB      json.loads of the file and a plain executemany of every row it holds (commune,
                            villages and their years, households, review records, loans, meetings, votes,
                            nominations) into bare tables of the same columns, one transaction
evaluate DB                 the columns the evaluator reads, every row of them as tuples with plain sqlite3,
                            and one counting pass of the review records by (year, status)
export-json DB OUT          every row of the dataset's tables as tuples, written out as JSON lists
upper-report DIR YEAR       in each commune copy of DIR, every row of the columns the year's overview
                            depends on, fetched as tuples with plain sqlite3
upper-import JSONS OUT N    each commune's dataset (a folder of JSON files) loaded as import-json above
                            into a file of its own in OUT, by N worker processes as the import uses
package DB BOXKEY OUT       the dataset's rows read plainly, as JSON, deflated in a ZIP, sealed to the box
                            key with libsodium, written
excel-import XLSX DB        openpyxl (read-only) reading the sheet's values, and a plain executemany of them
excel-export DB OUT         the export's rows (a household joined to each of its records) read plainly and
                            written as the smallest valid .xlsx: inline strings, no styles, one sheet
dossier FONT PAGES OUT      reportlab laying out as many pages as the dossier printed, with the same
                            TrueType font embedded: a heading and half a page of text on each
filter DB TEXT YEAR         the household list's filter (the year's status joined) as plain SQL on the same
                            index, once per keystroke of TEXT; prints its timings as JSON
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import time
from pathlib import Path

BARE_TABLES = {
    "commune": "code, name, province_code, province_name, district_name, area, region, poor_commune, former_units",
    "commune_year": "year, a1, a2, a3, a4",
    "village": "id, name, kind",
    "village_year": "village_id, year, cultural_title, ntm, budget_rule, models, resources, mutual_help",
    "household": "id PRIMARY KEY, village_id, code, name, gender, birth_year, ethnicity, id_number, single, "
    "members, policy, left_in",
    "review_record": "household_id, year, status, income, deprivations, cultural_family, registered, effort, "
    "initiative, supports, role_model, note, PRIMARY KEY (household_id, year)",
    "loan": "id PRIMARY KEY, household_id, program, amount, disbursed_on, due_on, purpose, used, repaid",
    "meeting": "id PRIMARY KEY, village_id, year, held_on, purpose, chair, secretary, attendees, represented, "
    "listed, place, officials",
    "decision": "meeting_id, household_id, agree, disagree, abstain, PRIMARY KEY (meeting_id, household_id)",
    "nomination": "id PRIMARY KEY, year, kind, household_id, village_id, name, achievements, award, status",
}


def _rows(data: dict) -> dict[str, list[tuple]]:
    c = data["commune"]
    hh = data["households"]
    return {
        "commune": [
            (
                c["code"],
                c["name"],
                c["province_code"],
                c["province_name"],
                c.get("district_name"),
                c["area"],
                c.get("region"),
                c.get("poor_commune"),
                json.dumps(c.get("former_units") or []),
            )
        ],
        "commune_year": [(y["year"], *y["assessments"].values()) for y in c.get("years") or ()],
        "village": [(v["id"], v["name"], v["kind"]) for v in data["villages"]],
        "village_year": [
            (
                v["id"],
                y["year"],
                y.get("cultural_title"),
                y.get("ntm_participation"),
                y.get("budget_rotation_rule"),
                y.get("replicated_models"),
                y.get("community_resources_vnd"),
                (y.get("assessments") or {}).get("mutual_help"),
            )
            for v in data["villages"]
            for y in v.get("years") or ()
        ],
        "household": [
            (
                h["id"],
                h["village_id"],
                h["code"],
                h["head"]["name"],
                h["head"]["gender"],
                h["head"]["birth_year"],
                h["head"]["ethnicity"],
                h["head"]["id_number"],
                h["head"].get("single"),
                h["members"],
                h["policy_household"],
                h["left_in"],
            )
            for h in hh
        ],
        "review_record": [
            (
                h["id"],
                r["year"],
                r["status"],
                r["income_per_capita"],
                json.dumps(r["deprivations"]),
                r["cultural_family"],
                r["registered_to_exit"],
                *r["assessments"].values(),
                r["note"],
            )
            for h in hh
            for r in h["years"]
        ],
        "loan": [
            (
                x["id"],
                h["id"],
                x["program"],
                x["amount_vnd"],
                x["disbursed_on"],
                x["due_on"],
                x["purpose"],
                x["used_as_intended"],
                x["repaid_on_time"],
            )
            for h in hh
            for x in h["loans"]
        ],
        "meeting": [
            (
                m["id"],
                m["village_id"],
                m["year"],
                m["held_on"],
                m["purpose"],
                m.get("chair"),
                m.get("secretary"),
                m["attendees"],
                m.get("households_represented"),
                m.get("households_on_list"),
                m.get("place"),
                json.dumps(m.get("officials") or []),
            )
            for m in data["meetings"]
        ],
        "decision": [
            (m["id"], d["household_id"], d["agree"], d["disagree"], d["abstain"])
            for m in data["meetings"]
            for d in m["decisions"]
        ],
        "nomination": [
            (
                n["id"],
                n["year"],
                n["nominee_kind"],
                n.get("household_id"),
                n.get("village_id"),
                n.get("nominee_name"),
                n.get("achievements"),
                n["award"],
                n["status"],
            )
            for n in data.get("nominations") or ()
        ],
    }


def load_dataset(path: str, db: str) -> None:
    data = json.loads(Path(path).read_bytes())
    conn = sqlite3.connect(db)
    with conn:
        for table, cols in BARE_TABLES.items():
            conn.execute(f"CREATE TABLE {table} ({cols})")
        for table, rows in _rows(data).items():
            if rows:
                conn.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    conn.close()


EVALUATED = [
    "SELECT id, village_id, head_gender, head_single, head_ethnicity, policy_household, left_in, code, head_name "
    "FROM household WHERE deleted_at IS NULL",
    "SELECT household_id, year, status, income_per_capita, deprivations, cultural_family, registered_to_exit, "
    "effort, initiative, supports_others, role_model FROM review_record",
    "SELECT household_id, disbursed_on, used_as_intended, repaid_on_time FROM loan",
    "SELECT id, village_id, year, held_on, purpose, attendees FROM meeting WHERE deleted_at IS NULL",
    "SELECT meeting_id, household_id, agree FROM decision",
    "SELECT id, name FROM village WHERE deleted_at IS NULL",
    "SELECT * FROM village_year",
    "SELECT * FROM commune",
    "SELECT * FROM commune_year",
]


def evaluate(db: str) -> None:
    conn = sqlite3.connect(db)
    fetched = [conn.execute(sql).fetchall() for sql in EVALUATED]
    counts: dict[tuple, int] = {}
    for record in fetched[1]:
        key = (record[1], record[2])
        counts[key] = counts.get(key, 0) + 1
    conn.close()


DATASET_TABLES = ["commune", "commune_year", "village", "village_year", "household", "review_record", "loan"]
DATASET_TABLES += ["meeting", "decision", "nomination"]


def export_json(db: str, out: str) -> None:
    conn = sqlite3.connect(db)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("{")
        for i, table in enumerate(DATASET_TABLES):
            fh.write(f'{"," if i else ""}\n"{table}": [')
            for j, row in enumerate(conn.execute(f"SELECT * FROM {table}")):
                fh.write(("," if j else "") + "\n" + json.dumps(row, ensure_ascii=False))
            fh.write("]")
        fh.write("}\n")
    conn.close()


OVERVIEW = [
    "SELECT id, village_id, left_in, policy_household, head_ethnicity, code, head_name FROM household "
    "WHERE deleted_at IS NULL",
    "SELECT household_id, year, status FROM review_record",
    "SELECT household_id, cultural_family, registered_to_exit, effort, initiative, supports_others, role_model "
    "FROM review_record WHERE year = ?",
    "SELECT household_id, disbursed_on, used_as_intended, repaid_on_time FROM loan",
    "SELECT d.household_id, d.agree, m.attendees, m.held_on FROM decision d JOIN meeting m ON m.id = d.meeting_id "
    "WHERE m.deleted_at IS NULL AND m.year = ? AND m.purpose = 'emulation'",
    "SELECT * FROM commune",
    "SELECT * FROM commune_year",
]


def upper_report(folder: str, year: str) -> None:
    """What the year's overview depends on, read from every commune copy: each household's village, year
    left, policy flag, ethnicity and name, every record's year and status, the year's assessments, the
    loans, the year's votes, and the commune's own year."""
    for path in sorted(Path(folder).glob("*.sqlite")):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        for sql in OVERVIEW:
            conn.execute(sql, (int(year),) if "?" in sql else ()).fetchall()
        conn.close()


def _load_one(job: tuple[str, str]) -> None:
    load_dataset(*job)


def upper_import(folder: str, out: str, workers: str) -> None:
    from multiprocessing import Pool

    Path(out).mkdir(parents=True, exist_ok=True)
    jobs = [(str(p), str(Path(out) / f"{p.stem}.sqlite")) for p in sorted(Path(folder).glob("*.json"))]
    for _, db in jobs:
        Path(db).unlink(missing_ok=True)
    if int(workers) > 1:
        with Pool(int(workers)) as pool:
            pool.map(_load_one, jobs, chunksize=1)
    else:
        for job in jobs:
            _load_one(job)


def package(db: str, box_key: str, out: str) -> None:
    import base64
    import io
    import zipfile

    from nacl.public import PublicKey, SealedBox

    conn = sqlite3.connect(db)
    body = json.dumps(
        {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in DATASET_TABLES},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    conn.close()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("dataset.json", body)
    sealed = SealedBox(PublicKey(base64.b64decode(box_key))).encrypt(buffer.getvalue())
    Path(out).write_bytes(sealed)


def excel_import(sheet: str, db: str) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(sheet, read_only=True, data_only=True)
    rows = [r for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    width = max(len(r) for r in rows)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(f"CREATE TABLE sheet ({', '.join(f'c{i}' for i in range(width))})")
        conn.executemany(
            f"INSERT INTO sheet VALUES ({', '.join('?' * width)})", [(*r, *[None] * (width - len(r))) for r in rows]
        )
    conn.close()


EXPORT_ROWS = (
    "SELECT h.code, h.head_name, h.head_gender, h.head_birth_year, h.head_ethnicity, h.head_id_number, "
    "h.policy_household, v.name, h.members, h.head_single, h.left_in, r.year, r.status, r.income_per_capita, "
    "r.deprivations, r.cultural_family, r.registered_to_exit, r.effort, r.initiative, r.supports_others, "
    "r.role_model, r.note, h.id FROM household h JOIN village v ON v.id = h.village_id "
    "LEFT JOIN review_record r ON r.household_id = h.id WHERE h.deleted_at IS NULL ORDER BY h.pk, r.year"
)


def _cell(ref: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _column(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        name = chr(65 + rest) + name
    return name


def excel_export(db: str, out: str) -> None:
    import zipfile

    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    conn = sqlite3.connect(db)
    letters = [_column(i) for i in range(23)]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}" xmlns:r="{rel}"><sheets><sheet name="Hộ" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}"><sheetData>'.encode())
            for n, row in enumerate(conn.execute(EXPORT_ROWS), start=2):
                cells = "".join(_cell(f"{letters[i]}{n}", v) for i, v in enumerate(row))
                fh.write(f'<row r="{n}">{cells}</row>'.encode())
            fh.write(b"</sheetData></worksheet>")
    conn.close()


def dossier(font: str, pages: str, out: str) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(TTFont("Serif", font))
    style = ParagraphStyle("body", fontName="Serif", fontSize=13, leading=16)
    story = []
    for i in range(int(pages)):  # each page: a heading and half a page of text, so the page count is exact
        story += [Paragraph(f"Báo cáo thành tích số {i + 1}", style)]
        story += [Paragraph("Hộ gia đình đã thoát nghèo bền vững, tích cực giúp đỡ hộ khác. " * 20, style)]
        story.append(PageBreak())
    SimpleDocTemplate(out, pagesize=A4).build(story[:-1])


def filter_keys(db: str, typed: str, year: str) -> None:
    conn = sqlite3.connect(db)
    times = []
    for i in range(1, len(typed) + 1):
        start = time.perf_counter()
        sql = "SELECT h.pk FROM household h LEFT JOIN review_record r ON r.household_id = h.id AND r.year = ? "
        sql += "WHERE h.deleted_at IS NULL"
        params: list = [int(year)]
        for term in typed[:i].split():
            sql += " AND h.search LIKE ?"
            params.append(f"% {term}%")
        conn.execute(sql + " ORDER BY h.sort_name, h.pk", params).fetchall()
        times.append(time.perf_counter() - start)
    conn.close()
    print(json.dumps({"median": statistics.median(times), "max": max(times)}))


OPERATIONS = {
    "import-json": load_dataset,
    "evaluate": evaluate,
    "export-json": export_json,
    "upper-report": upper_report,
    "upper-import": upper_import,
    "package": package,
    "excel-import": excel_import,
    "excel-export": excel_export,
    "dossier": dossier,
    "filter": filter_keys,
}

if __name__ == "__main__":
    OPERATIONS[sys.argv[1]](*sys.argv[2:])
