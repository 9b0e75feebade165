"""The papers of the movement: meeting minutes (blank and filled) and the year's nomination dossier.

The dossier (Luật Thi đua, khen thưởng 2022, Điều 84) is four PDF files: the tờ trình, the list of
nominees that goes with it, an achievement report per nominee, and the minutes of the meetings that
considered them.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.platypus import Flowable, Spacer

from thidua_desktop import domain, settings
from thidua_desktop.documents.pdf import (
    BODY,
    BODY_FLUSH,
    CELL,
    CELL_CENTER,
    CELL_RIGHT,
    CENTER,
    CENTER_ITALIC,
    DOTS,
    HEADING,
    ITEM,
    MOVEMENT,
    Letterhead,
    doc_number,
    grid,
    letterhead,
    nation_only,
    new_document,
    p,
    place_name,
    signatures,
    title,
    vn_date,
    write,
)
from thidua_desktop.errors import Refused
from thidua_desktop.evaluation import evaluator, nominations, votes
from thidua_desktop.evaluation.criteria import CriteriaSet
from thidua_desktop.register import dataset
from thidua_desktop.store import HouseholdName, Store
from thidua_desktop.text import lower_first

Progress = Callable[[int, str], None]


@dataclass
class PaperOptions:
    """What the officer chooses when printing: number, date, signer and recipient of the tờ trình."""

    number: int | None = None
    on: _dt.date | None = field(default_factory=_dt.date.today)
    signer: str | None = None
    recipient: str | None = None


class PapersRefused(Refused):
    """Nothing to print, or printing asked for something that is not there (Vietnamese message)."""


@dataclass
class _Context:
    store: Store
    commune: dict
    criteria: CriteriaSet
    villages: dict[str, dict]

    @property
    def place(self) -> str:
        return place_name(self.commune["name"])

    @property
    def committee(self) -> str:
        return f"UBND {self.commune['name']}"


def _context(store: Store, criteria: CriteriaSet) -> _Context:
    commune = store.register.commune()
    if commune is None:
        raise PapersRefused(f"Tệp dữ liệu {store.path} chưa có thông tin xã nên chưa in được giấy tờ.")
    villages = {v["id"]: v for v in store.register.villages(include_deleted=True)}
    return _Context(store, commune, criteria, villages)


# --- minutes -------------------------------------------------------------------------------------


def _minutes_story(
    ctx: _Context, meeting: dict, blank: bool, report: dict | None, copy_note: str | None
) -> list[Flowable]:
    village = ctx.villages[meeting["village_id"]]
    held = _dt.date.fromisoformat(meeting["held_on"])
    purpose = domain.MEETING_PURPOSE_LABELS[meeting["purpose"]].lower()
    story = letterhead(Letterhead(ctx.committee, village["name"], None, vn_date(None if blank else held, ctx.place)))
    if copy_note:
        story.append(p(copy_note, CENTER_ITALIC))
    story += title("Biên bản", [f"Họp {purpose} năm {meeting['year']}", f"Phong trào thi đua {MOVEMENT}"])
    when = vn_date(None if blank else held, "").lstrip(", ")
    place = meeting.get("place") or (DOTS * 2)
    story.append(
        p(
            f"Hôm nay, vào hồi {DOTS} giờ {DOTS}, {when}, tại {place}, {village['name']} "
            f"tổ chức họp {purpose} năm {meeting['year']}.",
            BODY,
        )
    )
    story.append(p("I. THÀNH PHẦN THAM DỰ", HEADING))
    chair = meeting.get("chair") or DOTS * 3
    secretary = meeting.get("secretary") or DOTS * 3
    story.append(p(f"1. Chủ trì: {chair}. Thư ký: {secretary}.", BODY))
    officials = meeting.get("officials") or []
    story.append(p("2. Đại diện Ban chỉ đạo xã, Ủy ban Mặt trận Tổ quốc và các đoàn thể:", BODY))
    if officials:
        story += [p(f"- {o['name']}" + (f", {o['role']}" if o.get("role") else ""), BODY) for o in officials]
    else:
        story += [p(f"- {DOTS * 6}", BODY) for _ in range(3)]
    if blank:
        listed = meeting.get("households_on_list")
        story.append(
            p(
                f"3. Số người dự họp: {DOTS} người, đại diện cho {DOTS} hộ trên tổng số "
                f"{listed if listed else DOTS} hộ trong danh sách của thôn (đạt {DOTS}%).",
                BODY,
            )
        )
    else:
        share = votes.attendance(meeting)
        represented = meeting.get("households_represented")
        listed = meeting.get("households_on_list")
        attendance = (
            f", đại diện cho {represented} hộ trên tổng số {listed} hộ trong danh sách của thôn "
            f"(đạt {votes.percent(share)})"
            if share is not None
            else ""
        )
        story.append(p(f"3. Số người dự họp: {meeting['attendees']} người{attendance}.", BODY))
    story.append(p("II. NỘI DUNG VÀ KẾT QUẢ BÌNH XÉT", HEADING))
    op = "từ" if ctx.criteria.vote_operator == ">=" else "trên"
    story.append(
        p(
            f"Cuộc họp đã xem xét từng hộ theo tiêu chí của Phong trào thi đua và biểu quyết công khai. "
            f"Hộ được đề nghị khi số người đồng ý đạt {op} {votes.percent(ctx.criteria.vote_share)} "
            f"số người dự họp. Kết quả như sau:",
            BODY,
        )
    )
    items = votes.agenda(ctx.store, meeting, report)
    votes_of = {v["household_id"]: v for v in meeting["decisions"]}
    rows = []
    for n, item in enumerate(items, 1):
        if blank:
            rows.append([n, item.head_name, item.code, "", "", "", "", item.note])
        else:
            vote = votes_of[item.household_id]
            result = votes.outcome(vote, meeting["attendees"], ctx.criteria)
            rows.append(
                [
                    n,
                    item.head_name,
                    item.code,
                    vote["agree"],
                    vote["disagree"],
                    vote["abstain"],
                    votes.percent(result.share),
                    "Được đề nghị" if result.approved else "Không đủ số đồng ý",
                ]
            )
    last = "Ghi chú" if blank else "Kết quả"
    story.append(
        grid(
            ["STT", "Họ tên chủ hộ", "Mã hộ", "Đồng ý", "Không đồng ý", "Không ý kiến", "Tỷ lệ đồng ý", last],
            rows,
            [11, 38, 18, 15, 17, 17, 17, 34],
            [CELL_CENTER, CELL, CELL_CENTER, CELL_RIGHT, CELL_RIGHT, CELL_RIGHT, CELL_RIGHT, CELL],
        )
    )
    if not items:
        story.append(p("(Chưa có hộ nào được đưa ra xem xét.)", CENTER_ITALIC))
    story.append(Spacer(1, 4))
    story.append(
        p(
            f"Cuộc họp kết thúc vào hồi {DOTS} giờ {DOTS} cùng ngày. Biên bản được lập thành 02 bản: "
            f"01 bản lưu tại thôn, 01 bản gửi Ủy ban nhân dân {lower_first(ctx.commune['name'])}.",
            BODY,
        )
    )
    story.append(
        signatures(
            [
                ["THƯ KÝ", "" if blank else meeting.get("secretary") or ""],
                ["ĐẠI DIỆN MTTQ XÃ", ""],
                ["CHỦ TRÌ", "" if blank else meeting.get("chair") or ""],
            ]
        )
    )
    return story


def _tally_story(ctx: _Context, meeting: dict, report: dict | None) -> list[Flowable]:
    village = ctx.villages[meeting["village_id"]]
    held = _dt.date.fromisoformat(meeting["held_on"])
    story = letterhead(Letterhead(ctx.committee, village["name"], None, vn_date(held, ctx.place)))
    story += title(
        "Phiếu kiểm đếm biểu quyết",
        [f"Họp {domain.MEETING_PURPOSE_LABELS[meeting['purpose']].lower()} năm {meeting['year']}"],
    )
    story.append(
        p(f"Số người dự họp: {DOTS}. Ghi mỗi ý kiến một vạch vào ô tương ứng, cộng lại ở cuối buổi.", BODY_FLUSH)
    )
    rows = [
        [n, f"{item.head_name}" + (f" ({item.code})" if item.code else ""), "", "", ""]
        for n, item in enumerate(votes.agenda(ctx.store, meeting, report), 1)
    ]
    story.append(
        grid(
            ["STT", "Hộ được xem xét", "Đồng ý", "Không đồng ý", "Không ý kiến"],
            rows,
            [10, 55, 35, 35, 30],
            extra=[("BOTTOMPADDING", (0, 1), (-1, -1), 14)],
        )
    )
    story.append(signatures([["NGƯỜI KIỂM PHIẾU", ""], ["CHỦ TRÌ", ""]]))
    return story


def write_minutes(
    store: Store, meeting_id: str, out: Path | str, criteria: CriteriaSet, blank: bool = False, copies: int = 2
) -> Path:
    """The minutes of one meeting: the blank form with the tally sheet, or the filled minutes in
    `copies` copies for signature."""
    ctx = _context(store, criteria)
    meeting = store.meetings.get(meeting_id)
    if meeting is None:
        raise PapersRefused(f"Không có cuộc họp nào mang mã {meeting_id} (hoặc cuộc họp đã bị xóa).")
    if not blank and not meeting["decisions"]:
        raise PapersRefused(
            "Cuộc họp chưa có kết quả biểu quyết nào. In biên bản trống (--blank) để mang "
            "đến cuộc họp, hoặc nhập kết quả trước."
        )
    report = evaluator.evaluate(dataset.export_data(store), meeting["year"], criteria) if blank else None
    if blank:
        story = _tally_story(ctx, meeting, report) + [new_document()] + _minutes_story(ctx, meeting, True, report, None)
    else:
        story = []
        for n in range(1, copies + 1):
            if n > 1:
                story.append(new_document())
            note = f"(Bản số {n:02d}/{copies:02d})" if copies > 1 else None
            story += _minutes_story(ctx, meeting, False, None, note)
    village = ctx.villages[meeting["village_id"]]["name"]
    return write(out, story, f"Biên bản họp bình xét {village} năm {meeting['year']}", store.actor)


# --- the dossier ----------------------------------------------------------------------------------


@dataclass
class _Nominee:
    nomination: dict
    name: str
    village: str
    category: str
    judged: dict | None  # the evaluation's entry of a household or village
    household: HouseholdName | None


def _nominees(ctx: _Context, noms: list[dict], report: dict) -> list[_Nominee]:
    households = ctx.store.register.household_names(
        ids=[n["household_id"] for n in noms if n.get("household_id")], include_deleted=True
    )
    judged_h = {h["id"]: h for h in report["households"]}
    judged_v = {v["id"]: v for v in report["villages"]}
    out = []
    for n in noms:
        kind = n["nominee_kind"]
        if kind == "household":
            hh = households.get(n["household_id"])
            judged = judged_h.get(n["household_id"])
            name = f"Hộ {'ông' if hh.gender == 'male' else 'bà'} {hh.head_name}" if hh else "?"
            village = hh.village if hh else ""
            cats = [
                domain.CATEGORY_LABELS[k]
                for k, c in (judged or {}).get("categories", {}).items()
                if c["verdict"] == "met"
            ] or [domain.CATEGORY_LABELS[k] for k in (judged or {}).get("categories", {})]
            out.append(_Nominee(n, name, village, ", ".join(cats) or nominations.KIND_LABELS[kind], judged, hh))
        elif kind == "village":
            v = ctx.villages.get(n["village_id"], {})
            out.append(
                _Nominee(
                    n,
                    v.get("name", "?"),
                    v.get("name", ""),
                    nominations.KIND_LABELS[kind],
                    judged_v.get(n["village_id"]),
                    None,
                )
            )
        else:
            out.append(_Nominee(n, n["nominee_name"] or "", "", nominations.KIND_LABELS[kind], None, None))
    order = {award: i for i, award in enumerate(nominations.AWARDS)}
    out.sort(
        key=lambda x: (
            order.get(x.nomination["award"], len(order)),
            x.nomination["award"],
            ["household", "village", "organization", "individual"].index(x.nomination["nominee_kind"]),
            x.village,
            x.name,
        )
    )
    return out


def _law_basis(on: _dt.date | None) -> str:
    if on is None or on >= _dt.date(2024, 1, 1):
        return (
            "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022; Nghị định số 98/2023/NĐ-CP ngày "
            "31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, "
            "khen thưởng;"
        )
    return (
        "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số điều "
        "của Luật Thi đua, khen thưởng ngày 16 tháng 11 năm 2013; Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 "
        "năm 2017 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;"
    )


def _recipient(ctx: _Context, options: PaperOptions) -> str:
    return (
        options.recipient or settings.RECIPIENT.get(ctx.store) or f"Ủy ban nhân dân tỉnh {ctx.commune['province_name']}"
    )


def _signer(ctx: _Context, options: PaperOptions) -> str:
    return options.signer or settings.SIGNER.get(ctx.store) or ""


def _submission(ctx: _Context, year: int, nominees: list[_Nominee], options: PaperOptions) -> list[Flowable]:
    recipient = _recipient(ctx, options)
    story = letterhead(
        Letterhead(
            "Ủy ban nhân dân",
            ctx.commune["name"],
            doc_number(options.number, "TTr-UBND"),
            vn_date(options.on, ctx.place),
        )
    )
    story += title("Tờ trình", [f"Về việc đề nghị khen thưởng trong Phong trào thi đua {MOVEMENT} năm {year}"])
    story.append(p(f"Kính gửi: {recipient}.", CENTER))
    story.append(p(_law_basis(options.on), BODY))
    story.append(p(f"Căn cứ {ctx.criteria.title};", BODY))
    story.append(
        p(
            f"Căn cứ kết quả bình xét tại các thôn, bản, tổ dân phố và kết quả đánh giá theo tiêu chí "
            f"của Phong trào thi đua năm {year},",
            BODY,
        )
    )
    counts: dict[str, dict[str, int]] = {}
    for x in nominees:
        per = counts.setdefault(x.nomination["award"], {})
        per[x.nomination["nominee_kind"]] = per.get(x.nomination["nominee_kind"], 0) + 1
    story.append(
        p(
            f"Ủy ban nhân dân {lower_first(ctx.commune['name'])} kính trình {recipient} xem xét, khen thưởng "
            f"cho {len(nominees)} tập thể, hộ gia đình và cá nhân có thành tích xuất sắc trong Phong trào "
            f"thi đua năm {year}, cụ thể như sau:",
            BODY,
        )
    )
    words = {
        "household": "hộ gia đình",
        "village": "thôn, bản, tổ dân phố",
        "organization": "tập thể",
        "individual": "cá nhân",
    }
    for award, per in counts.items():
        parts = ", ".join(f"{n} {words[k]}" for k, n in per.items())
        story.append(p(f"- {award}: {parts};", BODY))
    overrides = sum(1 for x in nominees if x.nomination.get("override_reason"))
    if overrides:
        story.append(
            p(
                f"Trong đó có {overrides} trường hợp chưa đủ tiêu chí theo kết quả đánh giá nhưng được đề "
                f"nghị khen thưởng vì lý do ghi tại danh sách kèm theo.",
                BODY,
            )
        )
    story.append(p("(Có danh sách, báo cáo thành tích và biên bản họp bình xét kèm theo).", BODY))
    story.append(
        p(f"Ủy ban nhân dân {lower_first(ctx.commune['name'])} kính trình {recipient} xem xét, quyết định./.", BODY)
    )
    story.append(
        signatures(
            [["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", _signer(ctx, options)]], recipients=["- Như trên;", "- Lưu: VT."]
        )
    )
    return story


def _list(ctx: _Context, year: int, nominees: list[_Nominee], options: PaperOptions) -> list[Flowable]:
    story = letterhead(Letterhead("Ủy ban nhân dân", ctx.commune["name"], None, vn_date(options.on, ctx.place)))
    on = vn_date(options.on, "").lstrip(", ")
    number = doc_number(options.number, "TTr-UBND").replace("Số:", "số")
    story += title("Danh sách đề nghị khen thưởng", [f"Phong trào thi đua {MOVEMENT} năm {year}"])
    story.append(
        p(f"(Kèm theo Tờ trình {number} {on} của Ủy ban nhân dân {lower_first(ctx.commune['name'])})", CENTER_ITALIC)
    )
    rows = []
    for n, x in enumerate(nominees, 1):
        achievements = x.nomination.get("achievements") or ""
        reason = x.nomination.get("override_reason")
        cell = achievements + (f"\nLý do đề nghị: {reason}" if reason else "")
        rows.append([n, x.name, x.village, x.category, cell, x.nomination["award"]])
    story.append(
        grid(
            [
                "STT",
                "Tên hộ gia đình, tập thể, cá nhân",
                "Thôn",
                "Đối tượng",
                "Tóm tắt thành tích",
                "Hình thức khen thưởng",
            ],
            rows,
            [11, 33, 22, 24, 50, 25],
            [CELL_CENTER, CELL, CELL, CELL, CELL, CELL],
        )
    )
    story.append(p(f"(Danh sách có {len(nominees)} tập thể, hộ gia đình và cá nhân.)", CENTER_ITALIC))
    story.append(signatures([["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", _signer(ctx, options)]]))
    return story


def _achievement_report(ctx: _Context, year: int, x: _Nominee, options: PaperOptions) -> list[Flowable]:
    n = x.nomination
    story = nation_only(vn_date(options.on, ctx.place))
    story += title("Báo cáo thành tích", [f"Đề nghị: {n['award']}", f"Trong Phong trào thi đua {MOVEMENT} năm {year}"])
    story.append(p("I. SƠ LƯỢC", HEADING))
    if x.household:
        hh = x.household
        story.append(
            p(
                f"- Chủ hộ: {hh.head_name}"
                + (f", sinh năm {hh.birth_year}" if hh.birth_year else "")
                + (f", dân tộc {hh.ethnicity}" if hh.ethnicity else "")
                + ".",
                BODY,
            )
        )
        story.append(
            p(
                f"- Nơi ở: {x.village}, {lower_first(ctx.commune['name'])}, tỉnh {ctx.commune['province_name']}. "
                f"Số nhân khẩu: {hh.members}." + (f" Mã hộ: {hh.code}." if hh.code else ""),
                BODY,
            )
        )
        story.append(p(f"- Đối tượng: {x.category}.", BODY))
    else:
        story.append(p(f"- Tên: {x.name}.", BODY))
        story.append(
            p(
                f"- Đối tượng: {x.category}; địa bàn: {lower_first(ctx.commune['name'])}, "
                f"tỉnh {ctx.commune['province_name']}.",
                BODY,
            )
        )
    story.append(p("II. THÀNH TÍCH ĐẠT ĐƯỢC", HEADING))
    if n.get("achievements"):
        story.append(p(n["achievements"], BODY))
    judged = x.judged
    if judged and "categories" in judged:
        for key, cat in judged["categories"].items():
            story.append(p(f"Đánh giá theo tiêu chí ({domain.CATEGORY_LABELS[key].lower()}):", BODY))
            story += [
                p(f"- {domain.CRITERION_LABELS[k]}: {domain.VERDICT_LABELS[c['verdict']].lower()}. {c['reason']}", ITEM)
                for k, c in cat["criteria"].items()
            ]
    elif judged:
        story.append(p("Đánh giá theo tiêu chí đối với thôn:", BODY))
        story += [
            p(f"- {domain.CRITERION_LABELS[k]}: {domain.VERDICT_LABELS[c['verdict']].lower()}. {c['reason']}", ITEM)
            for k, c in judged["criteria"].items()
        ]
    if n.get("override_reason"):
        story.append(p(f"Lý do đề nghị khen thưởng: {n['override_reason']}", BODY))
    story.append(p("III. HÌNH THỨC ĐỀ NGHỊ KHEN THƯỞNG", HEADING))
    award = n["award"] if n["award"].startswith("Đề nghị") else f"Đề nghị tặng {lower_first(n['award'])}"
    story.append(p(f"{award}.", BODY))
    reporter = {
        "household": ["NGƯỜI BÁO CÁO", "(Chủ hộ)", x.household.head_name if x.household else ""],
        "village": ["TRƯỞNG THÔN", ""],
    }.get(n["nominee_kind"], ["NGƯỜI BÁO CÁO", ""])
    story.append(signatures([[f"XÁC NHẬN CỦA UBND {ctx.commune['name'].upper()}", ""], reporter]))
    return story


def write_dossier(
    store: Store,
    year: int,
    out_dir: Path | str,
    criteria: CriteriaSet,
    options: PaperOptions | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """The year's dossier as four PDF files in `out_dir`; returns their paths."""
    options = options or PaperOptions()
    ctx = _context(store, criteria)
    noms = [n for n in store.nominations.find(year) if n["status"] != "returned"]
    if not noms:
        raise PapersRefused(
            f"Năm {year} chưa có ai trong danh sách đề nghị khen thưởng. Hãy chọn người được "
            "đề nghị ở trang 'Đề nghị khen thưởng' trước."
        )
    step = progress or (lambda _pct, _what: None)
    step(5, "Đang đánh giá theo bộ tiêu chí…")
    report = evaluator.evaluate(dataset.export_data(store), year, criteria)
    nominees = _nominees(ctx, noms, report)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    step(20, "Đang in tờ trình và danh sách…")
    written.append(
        write(
            out_dir / f"01-to-trinh-{year}.pdf",
            _submission(ctx, year, nominees, options),
            f"Tờ trình đề nghị khen thưởng năm {year}",
            store.actor,
        )
    )
    written.append(
        write(
            out_dir / f"02-danh-sach-{year}.pdf",
            _list(ctx, year, nominees, options),
            f"Danh sách đề nghị khen thưởng năm {year}",
            store.actor,
        )
    )
    step(40, "Đang in báo cáo thành tích…")
    story: list[Flowable] = []
    for i, x in enumerate(nominees):
        if i:
            story.append(new_document())
        story += _achievement_report(ctx, year, x, options)
    written.append(
        write(out_dir / f"03-bao-cao-thanh-tich-{year}.pdf", story, f"Báo cáo thành tích năm {year}", store.actor)
    )
    step(80, "Đang in biên bản họp bình xét…")
    considered = {n["household_id"] for n in noms if n.get("household_id")}
    held = [
        m
        for m in store.meetings.find(year)
        if m["purpose"] == "emulation" and any(d["household_id"] in considered for d in m["decisions"])
    ]
    story = []
    for i, m in enumerate(held):
        if i:
            story.append(new_document())
        story += _minutes_story(ctx, m, False, None, None)
    if not story:
        story = title("Biên bản họp bình xét") + [
            p(f"Năm {year} chưa có biên bản họp bình xét nào về các hộ được đề nghị.", CENTER_ITALIC)
        ]
    written.append(
        write(out_dir / f"04-bien-ban-hop-binh-xet-{year}.pdf", story, f"Biên bản họp bình xét năm {year}", store.actor)
    )
    step(100, "Đã in xong.")
    return written
