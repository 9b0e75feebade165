"""Running an evaluation on a store: load, judge, record which criteria set judged what, summarise."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from thidua_desktop import domain
from thidua_desktop.evaluation import evaluator
from thidua_desktop.evaluation.criteria import CriteriaSet
from thidua_desktop.register import dataset
from thidua_desktop.store import Store
from thidua_desktop.text import format_percent


@dataclass
class Evaluation:
    report: dict  # exactly the JSON of interfaces.md
    village_series: dict[str, tuple[dict, dict]]  # village id -> (poverty rates, near-poor rates) by year
    coverage: dict[str, dict]  # year -> households there, those with a record (the rates' base), complete


def run(store: Store, year: int, criteria: CriteriaSet) -> Evaluation:
    """Judge the store's commune for a year; record which criteria set and version did it."""
    data = dataset.export_data(store)
    views = evaluator.views_of(data)
    report = evaluator.evaluate(data, year, criteria, views=views)
    eligible = sum(1 for h in report["households"] if h["verdict"] == "eligible")
    store.runs.record(
        year, criteria.name, criteria.version, len(report["households"]), eligible, report["commune"]["verdict"]
    )
    by_village: dict[str, list] = {}
    for hh in data["households"]:
        by_village.setdefault(hh["village_id"], []).append(hh)
    series = {v["id"]: evaluator.rate_series(by_village.get(v["id"], [])) for v in data["villages"]}
    return Evaluation(report, series, evaluator.coverage_by_year(views))


def summary(
    report: dict, data_names: dict[str, str], commune_name: str, criteria: CriteriaSet, coverage: dict | None = None
) -> str:
    """The report as a Vietnamese text for the command line; a year not every household's record covers
    is said to be incomplete next to its rate."""
    label = domain.VERDICT_LABELS
    year = report["year"]
    lines = [
        f"ĐÁNH GIÁ NĂM {year} - {commune_name}",
        f"Bộ tiêu chí: {criteria.name} (phiên bản {criteria.version})",
        "",
    ]
    commune = report["commune"]
    lines.append(f"Xã: {label[commune['verdict']].upper()}")
    for key, c in commune["criteria"].items():
        lines.append(f"  {key} {domain.CRITERION_LABELS[key]}: {label[c['verdict']]}. {c['reason']}")
    cover = coverage or {}
    rates = ", ".join(
        f"{y}: {format_percent(r)}" + ("" if cover.get(y, {}).get("complete", True) else " (chưa đầy đủ)")
        for y, r in commune["poverty_rates"].items()
    )
    lines += ["", f"Tỷ lệ hộ nghèo theo năm: {rates}"]
    note = evaluator.coverage_note(cover.get(str(year)))
    if note:
        lines.append(f"Năm {year}: {note}")
    lines += ["", "Thôn, bản, tổ dân phố:"]
    for v in report["villages"]:
        lines.append(
            f"  {data_names.get(v['id'], v['id'])}: {label[v['verdict']]} (hộ nghèo {format_percent(v['poverty_rate'])}, "
            f"cận nghèo {format_percent(v['near_poor_rate'])})"
        )
        for key, c in v["criteria"].items():
            if c["verdict"] != "met":
                lines.append(f"      {key}: {label[c['verdict']]}. {c['reason']}")
    counts = Counter(h["verdict"] for h in report["households"])
    differs = sum(1 for h in report["households"] if h["status_differs"])
    lines += [
        "",
        f"Hộ gia đình năm {year}: {len(report['households'])} hộ",
        f"  Đủ điều kiện đề nghị khen thưởng: {counts['eligible']}",
        f"  Chưa đủ thông tin để đánh giá: {counts['missing']}",
        f"  Không đủ điều kiện: {counts['not_eligible']}",
        f"  Không thuộc diện xét (không nghèo, không mới thoát nghèo): {counts['not_applicable']}",
        f"  Phân loại khác với kết quả tính theo chuẩn nghèo (cần xem lại): {differs}",
    ]
    return "\n".join(lines)
