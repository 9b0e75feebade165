"""What an achievement report says a nominee achieved: one sentence for each criterion the evaluation
found met, with the figures behind it. A criterion not met, or not yet judged, is never written."""

from __future__ import annotations

from fractions import Fraction

from thidua_desktop.documents.wording import in_sentence, iso_date, money, percent, share, unit_word
from thidua_desktop.evaluation import evaluator

MET = "met"
# The order a report tells them: the household's way out of poverty, its work, its loans, its help to
# others, its titles, then the community's vote.
ORDER = ("A3", "A1", "B1", "B2", "A2", "B3", "A4", "A5", "A6", "B4", "V1", "V2", "V3", "V4")


def _met(judged: dict | None) -> list[str]:
    """The criteria met, in the order of their categories, each once (A2 and B3 are the same loans,
    A6 and B4 the same vote)."""
    out: list[str] = []
    if not judged:
        return out
    groups = judged["categories"].values() if "categories" in judged else [judged]
    for group in groups:
        for key, c in group["criteria"].items():
            if c["verdict"] == MET and key not in out:
                out.append(key)
    return sorted(out, key=lambda k: ORDER.index(k) if k in ORDER else len(ORDER))


def _income(hh: dict, year: int) -> str:
    records = {r["year"]: r for r in hh.get("years") or ()}
    now = (records.get(year) or {}).get("income_per_capita")
    before = (records.get(year - 1) or {}).get("income_per_capita")
    if now is None:
        return ""
    text = f": thu nhập bình quân năm {year} đạt {money(now)}/người/tháng"
    if before is not None and before < now:
        text += f", tăng từ {money(before)}/người/tháng năm {year - 1}"
    return text


def _note(hh: dict, year: int, *keys: str) -> str:
    """The officer's evidence notes of the year's assessments (kept in the local file), as a clause."""
    record: dict = next((r for r in hh.get("years") or () if r["year"] == year), {})
    notes = [n.strip().rstrip(".") for n in ((record.get("evidence") or {}).get(k) for k in keys) if n and n.strip()]
    return f" ({'; '.join(notes)})" if notes else ""


def _loans(hh: dict, year: int) -> str:
    loans = [loan for loan in hh.get("loans") or () if int(loan["disbursed_on"][:4]) <= year]
    total = sum(loan["amount_vnd"] for loan in loans)
    if len(loans) == 1:
        loan = loans[0]
        what = f"vay {money(loan['amount_vnd'])}" + (f" ({loan['program']})" if loan.get("program") else "")
        what += f", giải ngân ngày {iso_date(loan['disbursed_on'])}"
        if loan.get("purpose"):
            what += f", để {loan['purpose'][:1].lower() + loan['purpose'][1:]}"
        return f"Sử dụng vốn vay ưu đãi đúng mục đích, trả lãi và gốc đúng hạn: {what}."
    return (
        f"Sử dụng đúng mục đích, trả lãi và gốc đúng hạn cả {len(loans)} khoản vay vốn ưu đãi, tổng số {money(total)}."
    )


def _vote(hh: dict, year: int, village: dict | None, meetings: list[dict]) -> str:
    decided = [
        (m, d)
        for m in meetings
        if m["year"] == year and m["purpose"] == "emulation"
        for d in m["decisions"]
        if d["household_id"] == hh["id"]
    ]
    if not decided:
        return ""
    meeting, vote = max(decided, key=lambda md: md[0]["held_on"])
    where = in_sentence(village["name"]) if village else "thôn"
    return (
        f"Được cộng đồng dân cư {where} bình xét, nhất trí đề nghị khen thưởng tại cuộc họp ngày "
        f"{iso_date(meeting['held_on'])}: {vote['agree']}/{meeting['attendees']} người dự họp đồng ý "
        f"({share(Fraction(vote['agree'], meeting['attendees']))})."
    )


def household(hh: dict, judged: dict | None, year: int, village: dict | None, meetings: list[dict]) -> list[str]:
    """The sentences of a household's report, from its record (with evidence notes), loans and votes."""
    view = evaluator.HouseholdView.of(hh)
    out = []
    income_told = False
    for key in _met(judged):
        if key == "A1":
            out.append(
                "Có sáng kiến, cách làm hay trong lao động sản xuất, nỗ lực tăng thu nhập"
                + _income(hh, year)
                + _note(hh, year, "initiative", "effort")
                + "."
            )
            income_told = True
        elif key == "B1":
            evidence = "" if income_told else _income(hh, year)
            out.append("Nỗ lực, chịu khó lao động sản xuất, tăng thu nhập" + evidence + _note(hh, year, "effort") + ".")
        elif key in ("A2", "B3"):
            if not any(s.startswith("Sử dụng") for s in out):
                out.append(_loans(hh, year))
        elif key == "A3":
            exit_year = view.exit_year(year)
            if exit_year is not None:
                out.append(
                    f"Thoát nghèo từ năm {exit_year}, đến năm {year} đã được {year - exit_year} năm và không tái nghèo."
                )
        elif key == "A4":
            out.append(
                "Tích cực giúp đỡ hộ nghèo khác vươn lên, là điển hình trong giảm nghèo của "
                f"{unit_word(village)}{_note(hh, year, 'supports_others', 'role_model')}."
            )
        elif key == "A5":
            out.append(f"Đạt danh hiệu “Gia đình văn hóa” năm {year}.")
        elif key == "B2":
            out.append(f"Chủ động phát huy nội lực, tự nguyện đăng ký thoát nghèo năm {year}.")
        elif key in ("A6", "B4"):
            sentence = _vote(hh, year, village, meetings)
            if sentence and sentence not in out:
                out.append(sentence)
    return out


def village(village: dict, judged: dict | None, year: int, households: list[dict]) -> list[str]:
    """The sentences of a village's report, from its yearly facts and its households' rates."""
    facts: dict = next((vy for vy in village.get("years") or () if vy["year"] == year), {})
    views = [evaluator.HouseholdView.of(h) for h in households]
    counts = evaluator.counts_by_year(views)
    now, before = counts.get(year), counts.get(year - 1)
    word = unit_word(village)
    out = []
    for key in _met(judged):
        if key == "V1":
            note = ((facts.get("evidence") or {}).get("mutual_help") or "").strip().rstrip(".")
            out.append(
                "Nhân dân trong "
                + word
                + " đoàn kết, giúp đỡ nhau phát triển kinh tế, nhất là các hộ yếu thế"
                + (f" ({note})" if note else "")
                + "."
            )
        elif key == "V2":
            models = facts.get("replicated_models") or 0
            out.append(f"Có quy chế quản lý, luân chuyển vốn hỗ trợ; nhân rộng được {models} mô hình giảm nghèo.")
        elif key == "V3":
            text = f"Huy động được {money(facts.get('community_resources_vnd'))} từ cộng đồng hỗ trợ người nghèo"
            r0 = before.poverty_rate if before else None
            r1 = now.poverty_rate if now else None
            if r0 is not None and r1 is not None and r1 < r0:
                text += (
                    f"; tỷ lệ hộ nghèo của {word} giảm từ {percent(r0)} năm {year - 1} xuống {percent(r1)} năm {year}"
                )
            else:
                text += "; đời sống của các hộ nghèo, cận nghèo được cải thiện, số chỉ số thiếu hụt bình quân giảm"
            out.append(text + ".")
        elif key == "V4":
            out.append(f"Tích cực tham gia xây dựng nông thôn mới; đạt danh hiệu “Khu dân cư văn hóa” năm {year}.")
    return out
