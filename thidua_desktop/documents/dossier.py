"""The papers of the movement: meeting minutes (blank and filled) and the year's nomination dossier.

Who decides each award is data (the criteria set's awards, by period). The dossier follows that split
(Luật Thi đua, khen thưởng 2022, Điều 84):
- the commune chairman's own awards are his Quyết định, its list attached, with the achievement reports
  and the minutes it cites;
- what the level above decides goes in a tờ trình with its list, the achievement reports and the
  minutes of the meetings that considered the nominees.
A paper names as attached exactly the files printed. `warnings` says, before printing, what an officer
should know (no signer, nominees no meeting considered).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from thidua_desktop import domain, settings
from thidua_desktop.documents import achievements
from thidua_desktop.documents.pdf import (
    BODY,
    BODY_FLUSH,
    CELL,
    CELL_CENTER,
    CELL_RIGHT,
    CENTER,
    CENTER_ITALIC,
    HEADING,
    LEGEND,
    TITLE,
    Block,
    Letterhead,
    attachment_start,
    closing,
    doc_number,
    grid_with_tail,
    lead,
    letterhead,
    nation_only,
    new_document,
    p,
    place_name,
    title,
    vn_date,
    write,
)
from thidua_desktop.documents.wording import (
    DOTS,
    KIND_WORDS,
    clock,
    count_phrase,
    in_sentence,
    long_date,
    movement,
    name_key,
    plan_basis,
    share,
    short_date,
    unit_word,
)
from thidua_desktop.errors import Refused
from thidua_desktop.evaluation import evaluator, nominations, votes
from thidua_desktop.evaluation.criteria import Award, CriteriaSet
from thidua_desktop.register import dataset
from thidua_desktop.store import HouseholdName, Store
from thidua_desktop.text import fold, lower_first

Progress = Callable[[int, str], None]
SPARE_TALLY_ROWS = 5  # for households proposed at the meeting itself
KIND_ORDER = ("household", "village", "organization", "individual")


@dataclass
class PaperOptions:
    """What the officer chooses when printing: the numbers of the tờ trình and of the commune's
    Quyết định, the date, who signs (a vice-chairman signs "KT. CHỦ TỊCH"), and the tờ trình's recipient."""

    number: int | None = None
    on: _dt.date | None = field(default_factory=_dt.date.today)
    signer: str | None = None
    recipient: str | None = None
    decision_number: int | None = None
    deputy: bool | None = None  # None: the file's setting


class PapersRefused(Refused):
    """Nothing to print, or printing asked for something that is not there (Vietnamese message)."""


@dataclass
class _Context:
    store: Store
    commune: dict
    criteria: CriteriaSet
    villages: dict[str, dict]
    signer: str | None = None
    deputy: bool = False
    members: dict[str, list[dict]] = field(default_factory=dict)  # each village's households (dataset shape)

    @property
    def place(self) -> str:
        return place_name(self.commune["name"])

    @property
    def agency(self) -> tuple[str, str]:
        return ("Ủy ban nhân dân", self.commune["name"])

    @property
    def committee(self) -> str:
        """'Ủy ban nhân dân xã Hồng Thái', inside a sentence."""
        return f"Ủy ban nhân dân {lower_first(self.commune['name'])}"

    @property
    def chairman(self) -> str:
        return f"Chủ tịch {self.committee}"

    def committee_block(self) -> Block:
        """The committee signs collectively: 'TM. ỦY BAN NHÂN DÂN', then the chairman or his deputy."""
        return Block(["TM. ỦY BAN NHÂN DÂN", *self._chair_titles()], self.signer)

    def chairman_block(self) -> Block:
        """The chairman signs what he decides himself (his Quyết định)."""
        return Block(self._chair_titles(), self.signer)

    def _chair_titles(self) -> list[str]:
        return ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] if self.deputy else ["CHỦ TỊCH"]


def _context(store: Store, criteria: CriteriaSet, options: PaperOptions | None = None) -> _Context:
    commune = store.register.commune()
    if commune is None:
        raise PapersRefused(f"Tệp dữ liệu {store.path} chưa có thông tin xã nên chưa in được giấy tờ.")
    villages = {v["id"]: v for v in store.register.villages(include_deleted=True, with_evidence=True)}
    options = options or PaperOptions()
    signer = (options.signer or settings.SIGNER.get(store) or "").strip() or None
    deputy = options.deputy if options.deputy is not None else settings.SIGNER_DEPUTY.get(store)
    return _Context(store, commune, criteria, villages, signer, bool(deputy))


def _no_signer(ctx: _Context) -> str | None:
    if ctx.signer:
        return None
    return (
        "Chưa có họ tên người ký (Chủ tịch hoặc Phó Chủ tịch UBND xã): giấy tờ sẽ in chỗ trống để ký "
        "và ghi họ tên bằng tay. Hãy ghi tên người ký trước khi in nếu muốn in sẵn."
    )


# --- minutes -------------------------------------------------------------------------------------


def _place(meeting: dict, village: dict) -> str:
    """Where the meeting was held, with the village's kind in lower case inside the sentence."""
    place = (meeting.get("place") or "").strip()
    if not place:
        return DOTS * 2
    return place.replace(village["name"], in_sentence(village["name"]))


def _is_front(official: dict) -> bool:
    role = fold(official.get("role") or "")
    return "mttq" in role or "mat tran" in role


def _official_blocks(meeting: dict, blank: bool) -> list[Block]:
    """A block for each official who came, under their own title; the Fatherland Front's always."""
    officials = meeting.get("officials") or []
    blocks = [
        Block([("ĐẠI DIỆN " + o["role"].upper()) if o.get("role") else "ĐẠI DIỆN XÃ"], o["name"]) for o in officials
    ]
    if not any(_is_front(o) for o in officials):
        blocks.insert(0, Block(["ĐẠI DIỆN MTTQ XÃ"], None))
    return blocks


def _in_rows(blocks: list[Block], per_row: int = 3) -> list[list[Block]]:
    return [blocks[i : i + per_row] for i in range(0, len(blocks), per_row)]


def _minutes_story(
    ctx: _Context, meeting: dict, blank: bool, report: dict | None, copy_note: str | None
) -> list[Flowable]:
    village = ctx.villages[meeting["village_id"]]
    held = _dt.date.fromisoformat(meeting["held_on"])
    purpose = domain.MEETING_PURPOSE_LABELS[meeting["purpose"]].lower()
    story = letterhead(Letterhead(f"UBND {ctx.commune['name']}", [village["name"]], None, vn_date(held, ctx.place)))
    if copy_note:
        story.append(p(copy_note, CENTER_ITALIC))
    story += title("Biên bản", [f"Họp {purpose} năm {meeting['year']}", f"Phong trào thi đua {movement(ctx.criteria)}"])
    story.append(
        p(
            f"Hôm nay, vào hồi {clock(meeting.get('start_time'))}, {long_date(held)}, {in_sentence(village['name'])} "
            f"tổ chức họp {purpose} năm {meeting['year']} tại {_place(meeting, village)}.",
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
        story += [p(f"- {o['name']}" + (f", {o['role']}" if o.get("role") else "") + ";", BODY) for o in officials]
    if blank or not officials:
        story += [p(f"- {DOTS * 6}", BODY) for _ in range(2 if officials else 3)]
    listed = meeting.get("households_on_list")
    if blank:
        story.append(
            p(
                f"3. Số người dự họp: {DOTS} người, đại diện cho {DOTS} hộ trên tổng số "
                f"{listed if listed else DOTS} hộ trong danh sách của {unit_word(village)} (đạt {DOTS}%).",
                BODY,
            )
        )
    else:
        attendance = votes.attendance(meeting)
        represented = meeting.get("households_represented")
        told = (
            f", đại diện cho {represented} hộ trên tổng số {listed} hộ trong danh sách của {unit_word(village)} "
            f"(đạt {share(attendance)})"
            if attendance is not None
            else ""
        )
        story.append(p(f"3. Số người dự họp: {meeting['attendees']} người{told}.", BODY))
    story.append(p("II. NỘI DUNG VÀ KẾT QUẢ BÌNH XÉT", HEADING))
    rule = (
        f"từ {share(ctx.criteria.vote_share)} số người dự họp trở lên"
        if ctx.criteria.vote_operator == ">="
        else f"trên {share(ctx.criteria.vote_share)} số người dự họp"
    )
    story.append(
        p(
            "Cuộc họp đã xem xét từng hộ theo tiêu chí của Phong trào thi đua và biểu quyết công khai. "
            f"Hộ được đề nghị khen thưởng khi số người đồng ý đạt {rule}. Kết quả như sau:",
            BODY,
        )
    )
    items = sorted(votes.agenda(ctx.store, meeting, report), key=lambda i: name_key(i.head_name))
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
                    share(result.share),
                    "Được đề nghị" if result.approved else "Không đủ số đồng ý",
                ]
            )
    last = "Ghi chú" if blank else "Kết quả"
    table, tail = grid_with_tail(
        ["STT", "Họ tên chủ hộ", "Mã hộ", "Đồng ý", "Không đồng ý", "Không ý kiến", "Tỷ lệ đồng ý", last],
        rows,
        [11, 38, 18, 15, 17, 17, 18, 34],
        [CELL_CENTER, CELL, CELL_CENTER, CELL_RIGHT, CELL_RIGHT, CELL_RIGHT, CELL_RIGHT, CELL],
    )
    story.append(table)
    ending: list[Flowable] = [tail] if tail else []
    if not items:
        ending.append(p("(Chưa có hộ nào được đưa ra xem xét.)", CENTER_ITALIC))
    codes = sorted({c for item in items for c in re.findall(r"\b[AB]\d\b", item.note)}) if blank else []
    if codes:
        legend = "; ".join(f"{c}: {lower_first(domain.CRITERION_LABELS[c])}" for c in codes)
        ending.append(p(f"Mã tiêu chí ở cột Ghi chú (cần xem lại trước khi biểu quyết) - {legend}.", LEGEND))
    ending.append(Spacer(1, 4))
    end = p(
        f"Cuộc họp kết thúc vào hồi {clock(meeting.get('end_time'))} cùng ngày. Biên bản được lập thành 02 bản: "
        f"01 bản lưu tại {unit_word(village)}, 01 bản gửi {ctx.committee}.",
        BODY,
    )
    chair_name = meeting.get("chair")
    story.append(
        closing(
            [*ending, end],
            [[Block(["THƯ KÝ"], meeting.get("secretary")), Block(["CHỦ TRÌ"], chair_name)]]
            + _in_rows(_official_blocks(meeting, blank)),
        )
    )
    return story


def _tally_story(ctx: _Context, meeting: dict, report: dict | None) -> list[Flowable]:
    village = ctx.villages[meeting["village_id"]]
    held = _dt.date.fromisoformat(meeting["held_on"])
    story = letterhead(Letterhead(f"UBND {ctx.commune['name']}", [village["name"]], None, vn_date(held, ctx.place)))
    story += title(
        "Phiếu kiểm đếm biểu quyết",
        [f"Họp {domain.MEETING_PURPOSE_LABELS[meeting['purpose']].lower()} năm {meeting['year']}"],
    )
    items = sorted(votes.agenda(ctx.store, meeting, report), key=lambda i: name_key(i.head_name))
    story.append(
        p(
            f"Số người dự họp: {DOTS}. Ghi mỗi ý kiến một vạch vào ô tương ứng, cộng lại ở cuối buổi. "
            f"Các dòng từ số {len(items) + 1} để ghi họ tên chủ hộ được đề nghị bổ sung tại cuộc họp.",
            BODY_FLUSH,
        )
    )
    rows = [
        [n, item.head_name + (f" ({item.code})" if item.code else ""), "", "", ""] for n, item in enumerate(items, 1)
    ]
    rows += [[len(items) + k, "", "", "", ""] for k in range(1, SPARE_TALLY_ROWS + 1)]
    table, tail = grid_with_tail(
        ["STT", "Hộ được xem xét", "Đồng ý", "Không đồng ý", "Không ý kiến"],
        rows,
        [10, 55, 35, 35, 30],
        [CELL_CENTER, CELL, CELL, CELL, CELL],
        extra=[("BOTTOMPADDING", (0, 1), (-1, -1), 14)],
        tail=2,
    )
    story.append(table)
    blocks = [[Block(["NGƯỜI KIỂM PHIẾU"], None), Block(["CHỦ TRÌ"], meeting.get("chair"))]]
    story.append(closing([tail] if tail else [], blocks, name_space=18 * mm))
    return story


def minutes_warnings(store: Store, meeting_id: str, blank: bool = False) -> list[str]:
    """What the officer should know before printing a meeting's minutes (each a Vietnamese sentence)."""
    meeting = store.meetings.get(meeting_id, with_times=True)
    if meeting is None or blank:
        return []
    out = []
    if not (meeting.get("start_time") and meeting.get("end_time")):
        out.append("Chưa ghi giờ bắt đầu và giờ kết thúc cuộc họp: biên bản sẽ để chỗ trống để ghi tay.")
    missing = [w for w, k in (("chủ trì", "chair"), ("thư ký", "secretary")) if not meeting.get(k)]
    if missing:
        out.append(f"Chưa ghi họ tên {' và '.join(missing)}: biên bản sẽ để chỗ trống dưới chữ ký.")
    if not any(_is_front(o) for o in meeting.get("officials") or ()):
        out.append("Chưa ghi đại diện Ủy ban MTTQ xã dự họp: biên bản để trống họ tên dưới chữ ký của MTTQ.")
    return out


def write_minutes(
    store: Store, meeting_id: str, out: Path | str, criteria: CriteriaSet, blank: bool = False, copies: int = 2
) -> Path:
    """The minutes of one meeting: the blank form with the tally sheet, or the filled minutes in
    `copies` copies for signature."""
    ctx = _context(store, criteria)
    meeting = store.meetings.get(meeting_id, with_times=True)
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
    village: dict | None
    category: str
    judged: dict | None  # the evaluation's entry of a household or village
    household: HouseholdName | None
    data: dict | None  # the household's or village's record (evidence notes included)
    award: Award | None
    level: str  # who decides: commune, district, province, upper

    @property
    def village_name(self) -> str:
        return self.village["name"] if self.village else ""

    @property
    def award_name(self) -> str:
        return self.award.name if self.award else self.nomination["award"]

    @property
    def grant(self) -> str:
        return self.award.grant if self.award else lower_first(self.nomination["award"])


@dataclass
class _Part:
    """The nominees one authority decides, and the meetings that considered its households."""

    nominees: list[_Nominee]
    meetings: list[dict] = field(default_factory=list)
    unconsidered: list[_Nominee] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.nominees)


@dataclass
class DossierPlan:
    """What a dossier will hold, worked out before anything is printed."""

    year: int
    on: _dt.date
    own: _Part  # decided by the commune chairman
    upper: _Part  # asked of the level above
    recipient: str
    recipient_level: str
    files: list[str]
    warnings: list[str]


def _household_label(x: _Nominee) -> str:
    """'hộ ông Nông Đức Quý, thôn Nà Khà' inside a sentence."""
    return lower_first(x.name) + (f", {in_sentence(x.village_name)}" if x.village_name else "")


def _nominees(ctx: _Context, noms: list[dict], report: dict, on: _dt.date) -> list[_Nominee]:
    households = ctx.store.register.household_names(
        ids=[n["household_id"] for n in noms if n.get("household_id")], include_deleted=True
    )
    judged_h = {h["id"]: h for h in report["households"]}
    judged_v = {v["id"]: v for v in report["villages"]}
    out = []
    for n in noms:
        kind = n["nominee_kind"]
        award = ctx.criteria.award(n["award"] or "")
        level = nominations.deciding_level(ctx.criteria, n["award"] or "", on)
        if kind == "household":
            hh = households.get(n["household_id"])
            judged = judged_h.get(n["household_id"])
            cats = (judged or {}).get("categories", {})
            labels = [domain.CATEGORY_LABELS[k] for k, c in cats.items() if c["verdict"] == "met"] or [
                domain.CATEGORY_LABELS[k] for k in cats
            ]
            name = f"Hộ {'ông' if hh.gender == 'male' else 'bà'} {hh.head_name}" if hh else "?"
            record = ctx.store.register.household(n["household_id"]) if hh else None
            village = ctx.villages.get(hh.village_id) if hh else None
            category = ", ".join(labels) or nominations.KIND_LABELS[kind]
            out.append(_Nominee(n, name, village, category, judged, hh, record, award, level))
        elif kind == "village":
            v = ctx.villages.get(n["village_id"])
            name = v["name"] if v else "?"
            kind_label = nominations.KIND_LABELS[kind]
            out.append(_Nominee(n, name, v, kind_label, judged_v.get(n["village_id"]), None, v, award, level))
        else:
            name = n["nominee_name"] or ""
            out.append(_Nominee(n, name, None, nominations.KIND_LABELS[kind], None, None, None, award, level))
    award_order = {a.name: i for i, a in enumerate(ctx.criteria.awards)}
    village_order = {vid: i for i, vid in enumerate(ctx.villages)}
    out.sort(
        key=lambda x: (
            award_order.get(x.award_name, len(award_order)),
            x.award_name,
            KIND_ORDER.index(x.nomination["nominee_kind"]),
            village_order.get(x.village["id"], len(village_order)) if x.village else -1,
            name_key(x.household.head_name if x.household else x.name),
        )
    )
    return out


def _default_recipient(ctx: _Context, on: _dt.date) -> tuple[str, str]:
    """The level above on the day of the paper: the district before 1/7/2025 (when the commune names
    one), the province since."""
    district = (ctx.commune.get("district_name") or "").strip()
    if district and on < _dt.date(2025, 7, 1):
        kinds = ("Huyện ", "Quận ", "Thị xã ", "Thành phố ")
        unit = lower_first(district) if district.startswith(kinds) else f"huyện {district}"
        return f"Ủy ban nhân dân {unit}", "district"
    return f"Ủy ban nhân dân tỉnh {ctx.commune['province_name']}", "province"


def _level_of(recipient: str) -> str:
    words = f" {fold(recipient)} "
    return "district" if any(f" {w} " in words for w in ("huyen", "quan", "thi xa")) else "province"


def plan_dossier(store: Store, year: int, criteria: CriteriaSet, options: PaperOptions | None = None) -> DossierPlan:
    """Which papers the year's dossier holds and what to tell the officer first; refused when there is
    nobody to print."""
    return _plan(_context(store, criteria, options), year, options or PaperOptions())


def warnings(store: Store, year: int, criteria: CriteriaSet, options: PaperOptions | None = None) -> list[str]:
    """What the officer should know before printing the dossier (Vietnamese sentences, none if all is well)."""
    return plan_dossier(store, year, criteria, options).warnings


def _plan(ctx: _Context, year: int, options: PaperOptions) -> DossierPlan:
    noms = [n for n in ctx.store.nominations.find(year) if n["status"] != "returned"]
    if not noms:
        raise PapersRefused(
            f"Năm {year} chưa có ai trong danh sách đề nghị khen thưởng. Hãy chọn người được "
            "đề nghị ở trang 'Đề nghị khen thưởng' trước."
        )
    on = options.on or _dt.date.today()
    data = dataset.export_data(ctx.store)
    report = evaluator.evaluate(data, year, ctx.criteria)
    ctx.members = {}
    for hh in data["households"]:
        ctx.members.setdefault(hh["village_id"], []).append(hh)
    nominees = _nominees(ctx, noms, report, on)
    meetings = [m for m in ctx.store.meetings.find(year, with_times=True) if m["purpose"] == "emulation"]
    parts = []
    for commune_decides in (True, False):
        part = _Part([x for x in nominees if (x.level == "commune") == commune_decides])
        ids = {x.nomination["household_id"] for x in part.nominees if x.nomination["nominee_kind"] == "household"}
        part.meetings = [m for m in meetings if any(d["household_id"] in ids for d in m["decisions"])]
        voted = {d["household_id"] for m in part.meetings for d in m["decisions"]}
        part.unconsidered = [
            x
            for x in part.nominees
            if x.nomination["nominee_kind"] == "household" and x.nomination["household_id"] not in voted
        ]
        parts.append(part)
    own, upper = parts
    if options.recipient or settings.RECIPIENT.get(ctx.store):
        recipient = options.recipient or settings.RECIPIENT.get(ctx.store) or ""
        level = _level_of(recipient)
    else:
        recipient, level = _default_recipient(ctx, on)
    names = []
    if own:
        names += ["quyet-dinh-khen-thuong", "bao-cao-thanh-tich-kem-quyet-dinh"]
        names += ["bien-ban-hop-binh-xet-kem-quyet-dinh"] if own.meetings else []
    if upper:
        names += ["to-trinh", "danh-sach", "bao-cao-thanh-tich"]
        names += ["bien-ban-hop-binh-xet"] if upper.meetings else []
    files = [f"{i:02d}-{name}-{year}.pdf" for i, name in enumerate(names, 1)]
    told = [w for w in [_no_signer(ctx)] if w]
    for part, paper in ((own, "Quyết định khen thưởng của xã"), (upper, "Tờ trình gửi cấp trên")):
        if part.unconsidered:
            who = "; ".join(_household_label(x) for x in part.unconsidered)
            told.append(
                f"Chưa có cuộc họp bình xét thi đua năm {year} nào của thôn xem xét {len(part.unconsidered)} hộ "
                f"được đề nghị ({paper.lower()}): {who}. Hồ sơ sẽ không có biên bản họp bình xét của các hộ "
                "này" + (" và tờ trình ghi rõ điều đó." if part is upper else ".")
            )
    gone = sorted(
        {x.award_name for x in nominees if x.award is not None and x.award.level_on(on) is None},
    )
    for name in gone:
        told.append(
            f"Hình thức “{name}” không còn cấp nào quyết định vào {short_date(on)}: đưa vào tờ trình gửi cấp trên."
        )
    return DossierPlan(year, on, own, upper, recipient, level, files, told)


def _words_for(nominees: Sequence[_Nominee]) -> str:
    """'2 hộ gia đình và 1 thôn' for the nominees of a paper."""
    counts: dict[str, int] = {}
    for x in nominees:
        kind = x.nomination["nominee_kind"]
        word = unit_word(x.village) if kind == "village" else KIND_WORDS[kind]
        counts[word] = counts.get(word, 0) + 1
    return count_phrase(counts)


def _who(nominees: Sequence[_Nominee]) -> str:
    """'các tập thể, hộ gia đình' as a subject line names the nominees."""
    kinds = {x.nomination["nominee_kind"] for x in nominees}
    words = []
    if kinds & {"village", "organization"}:
        words.append("tập thể")
    words += [w for k, w in (("household", "hộ gia đình"), ("individual", "cá nhân")) if k in kinds]
    return "các " + (", ".join(words[:-1]) + " và " + words[-1] if len(words) > 1 else words[0])


def _laws(ctx: _Context, on: _dt.date, authority: bool) -> list[Flowable]:
    out = []
    if authority and ctx.criteria.authority_on(on):
        out.append(p("Căn cứ " + "; ".join(ctx.criteria.authority_on(on)) + ";", BODY))
    if ctx.criteria.laws_on(on):
        out.append(p("Căn cứ " + "; ".join(ctx.criteria.laws_on(on)) + ";", BODY))
    out += [p(f"Căn cứ {text};", BODY) for text in plan_basis(ctx.criteria)]
    return out


def _meeting_villages(ctx: _Context, meetings: list[dict]) -> str:
    names = list(dict.fromkeys(in_sentence(ctx.villages[m["village_id"]]["name"]) for m in meetings))
    return ", ".join(names)


def _list_table(nominees: Sequence[_Nominee], with_award: bool) -> tuple[Flowable, Flowable | None]:
    rows = []
    for n, x in enumerate(nominees, 1):
        achievements_ = (x.nomination.get("achievements") or "").strip()
        reason = (x.nomination.get("override_reason") or "").strip()
        cell = "\n".join(filter(None, [achievements_, f"Lý do đề nghị: {reason}" if reason else ""]))
        row = [n, x.name, x.village_name, x.category, cell]
        rows.append(row + [x.award_name] if with_award else row)
    header = ["STT", "Tên hộ gia đình, tập thể, cá nhân", "Thôn, bản, tổ dân phố", "Đối tượng", "Tóm tắt thành tích"]
    widths = [11, 38, 26, 26, 64]
    if with_award:
        header, widths = header + ["Hình thức khen thưởng"], [11, 33, 22, 24, 50, 25]
    return grid_with_tail(header, rows, widths, [CELL_CENTER] + [CELL] * (len(header) - 1))


def _decision(ctx: _Context, plan: DossierPlan, options: PaperOptions) -> list[Flowable]:
    """The commune chairman's Quyết định granting his own awards, with its list attached."""
    part, year, on = plan.own, plan.year, plan.on
    number = doc_number(options.decision_number, "QĐ-UBND")
    story = letterhead(Letterhead(None, ctx.agency, number, vn_date(on, ctx.place)))
    grants = list(dict.fromkeys(x.grant for x in part.nominees))
    what = f"tặng {grants[0]}" if len(grants) == 1 else "khen thưởng"
    subject = (
        f"Về việc {what} cho {_who(part.nominees)} có thành tích xuất sắc trong Phong trào thi đua "
        f"{movement(ctx.criteria)} năm {year}"
    )
    story += title("Quyết định", [subject], authority=ctx.chairman)
    story += _laws(ctx, on, authority=True)
    if part.meetings:
        basis = (
            f"Căn cứ biên bản họp bình xét của {_meeting_villages(ctx, part.meetings)} và báo cáo thành tích "
            f"của {_who(part.nominees)} được đề nghị khen thưởng;"
        )
    else:
        basis = (
            f"Căn cứ báo cáo thành tích của {_who(part.nominees)} được đề nghị khen thưởng và kết quả đánh giá "
            f"theo tiêu chí của Phong trào thi đua năm {year};"
        )
    story.append(p(basis, BODY))
    story.append(p("Xét đề nghị của Hội đồng Thi đua - Khen thưởng xã.", BODY))
    story.append(p("QUYẾT ĐỊNH:", TITLE))
    story.append(Spacer(1, 6))
    movement_year = f"Phong trào thi đua {movement(ctx.criteria)} năm {year}"
    if len(grants) == 1:
        story.append(
            lead(
                "Điều 1.",
                f"Tặng {grants[0]} cho {_words_for(part.nominees)} (có danh sách kèm theo) đã có thành tích "
                f"xuất sắc trong {movement_year}.",
            )
        )
    else:
        story.append(
            lead(
                "Điều 1.",
                f"Khen thưởng các tập thể, hộ gia đình, cá nhân có thành tích xuất sắc trong {movement_year}:",
            )
        )
        for i, grant in enumerate(grants, 1):
            these = [x for x in part.nominees if x.grant == grant]
            story.append(p(f"{i}. Tặng {grant} cho {_words_for(these)};", BODY))
        story.append(p("(Có danh sách kèm theo).", BODY))
    story.append(lead("Điều 2.", "Tiền thưởng kèm theo thực hiện theo quy định của pháp luật về thi đua, khen thưởng."))
    last = lead(
        "Điều 3.",
        "Quyết định này có hiệu lực kể từ ngày ký. Công chức phụ trách công tác thi đua, khen thưởng, trưởng "
        "các thôn, bản, tổ dân phố và các tập thể, hộ gia đình, cá nhân có tên tại Điều 1 chịu trách nhiệm "
        "thi hành Quyết định này./.",
    )
    story.append(closing([last], [[ctx.chairman_block()]], recipients=["- Như Điều 3;", "- Lưu: VT."]))
    story += attachment_start()
    decision = doc_number(options.decision_number, "QĐ-UBND").replace("Số:", "số")
    story += title(
        "Danh sách",
        [f"Tặng {grants[0]}" if len(grants) == 1 else "Khen thưởng", movement_year],
        note=f"(Kèm theo Quyết định {decision} ngày {short_date(on)} của {ctx.chairman})",
    )
    story += [t for t in _list_table(part.nominees, len(grants) > 1) if t]
    story.append(p(f"(Danh sách có {len(part.nominees)} trường hợp.)", CENTER_ITALIC))
    return story


def _submission(ctx: _Context, plan: DossierPlan, options: PaperOptions) -> list[Flowable]:
    """The tờ trình: what the level above decides, and nothing else."""
    part, year, on, recipient = plan.upper, plan.year, plan.on, plan.recipient
    story = letterhead(Letterhead(None, ctx.agency, doc_number(options.number, "TTr-UBND"), vn_date(on, ctx.place)))
    story += title(
        "Tờ trình", [f"Về việc đề nghị khen thưởng trong Phong trào thi đua {movement(ctx.criteria)} năm {year}"]
    )
    story.append(p(f"Kính gửi: {recipient}.", CENTER))
    story += _laws(ctx, on, authority=False)
    if part.meetings:
        story.append(
            p(
                f"Căn cứ kết quả bình xét tại {_meeting_villages(ctx, part.meetings)} và kết quả đánh giá theo "
                f"tiêu chí của Phong trào thi đua năm {year},",
                BODY,
            )
        )
    else:
        story.append(p(f"Căn cứ kết quả đánh giá theo tiêu chí của Phong trào thi đua năm {year},", BODY))
    story.append(
        p(
            f"{ctx.committee[:1].upper() + ctx.committee[1:]} kính trình {recipient} xem xét, khen thưởng cho "
            f"{_words_for(part.nominees)} có thành tích xuất sắc trong Phong trào thi đua năm {year}, cụ thể như sau:",
            BODY,
        )
    )
    for grant in dict.fromkeys(x.grant for x in part.nominees):
        these = [x for x in part.nominees if x.grant == grant]
        story.append(p(f"- {grant[:1].upper() + grant[1:]}: {_words_for(these)};", BODY))
    overrides = sum(1 for x in part.nominees if x.nomination.get("override_reason"))
    if overrides:
        story.append(
            p(
                f"Trong đó có {overrides} trường hợp chưa đủ tiêu chí theo kết quả đánh giá nhưng được đề "
                f"nghị khen thưởng vì lý do ghi tại danh sách kèm theo.",
                BODY,
            )
        )
    if part.unconsidered:
        who = "; ".join(_household_label(x) for x in part.unconsidered)
        story.append(
            p(
                f"Có {len(part.unconsidered)} hộ chưa được cuộc họp bình xét thi đua năm {year} nào của thôn xem xét "
                f"({who}) nên hồ sơ không có biên bản họp bình xét của "
                + ("hộ này." if len(part.unconsidered) == 1 else "các hộ này."),
                BODY,
            )
        )
    attached = ["danh sách đề nghị khen thưởng", f"{len(part.nominees)} báo cáo thành tích"]
    if part.meetings:
        attached.append(f"biên bản {len(part.meetings)} cuộc họp bình xét của {_meeting_villages(ctx, part.meetings)}")
    story.append(p(f"(Kèm theo: {'; '.join(attached)}.)", BODY))
    levels = {x.level if x.level != "upper" else plan.recipient_level for x in part.nominees}
    ask = "xem xét, quyết định" if levels == {plan.recipient_level} else "xem xét, trình cấp có thẩm quyền quyết định"
    last = p(f"{ctx.committee[:1].upper() + ctx.committee[1:]} kính trình {recipient} {ask}./.", BODY)
    story.append(closing([last], [[ctx.committee_block()]], recipients=["- Như trên;", "- Lưu: VT."]))
    return story


def _list(ctx: _Context, plan: DossierPlan, options: PaperOptions) -> list[Flowable]:
    """The danh sách that goes with the tờ trình."""
    part, year, on = plan.upper, plan.year, plan.on
    story = letterhead(Letterhead(None, ctx.agency, None, vn_date(on, ctx.place)))
    number = doc_number(options.number, "TTr-UBND").replace("Số:", "số")
    story += title(
        "Danh sách đề nghị khen thưởng",
        [f"Phong trào thi đua {movement(ctx.criteria)} năm {year}"],
        note=f"(Kèm theo Tờ trình {number} ngày {short_date(on)} của {ctx.committee})",
    )
    table, tail = _list_table(part.nominees, with_award=True)
    story.append(table)
    count = p(f"(Danh sách có {len(part.nominees)} trường hợp.)", CENTER_ITALIC)
    story.append(closing([*([tail] if tail else []), count], [[ctx.committee_block()]]))
    return story


def _reporter(ctx: _Context, x: _Nominee) -> Block:
    kind = x.nomination["nominee_kind"]
    if kind == "household":
        return Block(["NGƯỜI BÁO CÁO"], x.household.head_name if x.household else None, "(Chủ hộ, ký và ghi rõ họ tên)")
    if kind == "village":
        word = unit_word(x.village)
        head = "TỔ TRƯỞNG TỔ DÂN PHỐ" if word == "tổ dân phố" else f"TRƯỞNG {word.upper()}"
        return Block([head], None, "(Ký, ghi rõ họ tên)")
    if kind == "organization":
        return Block(["THỦ TRƯỞNG ĐƠN VỊ"], None, "(Ký, ghi rõ họ tên, đóng dấu)")
    return Block(["NGƯỜI BÁO CÁO"], x.name or None, "(Ký, ghi rõ họ tên)")


def _achievement_report(ctx: _Context, year: int, x: _Nominee, on: _dt.date, meetings: list[dict]) -> list[Flowable]:
    n = x.nomination
    story = nation_only(vn_date(on, ctx.place))
    story += title(
        "Báo cáo thành tích",
        [f"Đề nghị tặng {x.grant}", f"Thành tích trong Phong trào thi đua {movement(ctx.criteria)} năm {year}"],
    )
    story.append(p("I. SƠ LƯỢC", HEADING))
    where = f"{lower_first(ctx.commune['name'])}, tỉnh {ctx.commune['province_name']}"
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
                f"- Nơi ở: {in_sentence(x.village_name)}, {where}. Số nhân khẩu: {hh.members}."
                + (f" Mã hộ: {hh.code}." if hh.code else ""),
                BODY,
            )
        )
        story.append(p(f"- Đối tượng: {x.category}.", BODY))
    else:
        story.append(p(f"- Tên: {x.name}.", BODY))
        story.append(p(f"- Đối tượng: {x.category}; địa bàn: {where}.", BODY))
    story.append(p("II. THÀNH TÍCH ĐẠT ĐƯỢC", HEADING))
    if n["nominee_kind"] == "household" and x.data:
        sentences = achievements.household(x.data, x.judged, year, x.village, meetings)
    elif n["nominee_kind"] == "village" and x.village:
        sentences = achievements.village(x.village, x.judged, year, ctx.members.get(x.village["id"], []))
    else:
        sentences = []
    story += [p(f"- {s}", BODY) for s in sentences]
    own_text = (n.get("achievements") or "").strip()
    generated = nominations.achievements_from(x.judged) if x.judged else None
    texts = [t for t in (own_text if own_text != generated else "", (n.get("override_reason") or "").strip()) if t]
    story += [p(t if t[-1] in ".!?;:)" else t + ".", BODY) for t in texts]
    if not sentences and not texts:
        story += [p(DOTS * 8, BODY) for _ in range(3)]
    story.append(p("III. HÌNH THỨC ĐỀ NGHỊ KHEN THƯỞNG", HEADING))
    last = p(f"Đề nghị tặng {x.grant}.", BODY)
    confirm = Block(["XÁC NHẬN CỦA", f"UBND {ctx.commune['name'].upper()}", *ctx.committee_block().titles], ctx.signer)
    story.append(closing([last], [[confirm, _reporter(ctx, x)]]))
    return story


def _reports(ctx: _Context, year: int, part: _Part, on: _dt.date) -> list[Flowable]:
    story: list[Flowable] = []
    for i, x in enumerate(part.nominees):
        if i:
            story.append(new_document())
        story += _achievement_report(ctx, year, x, on, part.meetings)
    return story


def _minutes_of(ctx: _Context, meetings: list[dict]) -> list[Flowable]:
    story: list[Flowable] = []
    for i, m in enumerate(meetings):
        if i:
            story.append(new_document())
        story += _minutes_story(ctx, m, False, None, None)
    return story


def write_dossier(
    store: Store,
    year: int,
    out_dir: Path | str,
    criteria: CriteriaSet,
    options: PaperOptions | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """The year's dossier as PDF files in `out_dir` (see the module's text); returns their paths.
    Call `warnings` first to tell the officer what the papers will lack."""
    options = options or PaperOptions()
    step = progress or (lambda _pct, _what: None)
    step(5, "Đang đánh giá theo bộ tiêu chí…")
    ctx = _context(store, criteria, options)
    plan = _plan(ctx, year, options)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stories: list[tuple[list[Flowable], str]] = []
    if plan.own:
        stories.append((_decision(ctx, plan, options), f"Quyết định khen thưởng năm {year}"))
        stories.append((_reports(ctx, year, plan.own, plan.on), f"Báo cáo thành tích kèm Quyết định năm {year}"))
        if plan.own.meetings:
            stories.append((_minutes_of(ctx, plan.own.meetings), f"Biên bản họp bình xét năm {year}"))
    if plan.upper:
        stories.append((_submission(ctx, plan, options), f"Tờ trình đề nghị khen thưởng năm {year}"))
        stories.append((_list(ctx, plan, options), f"Danh sách đề nghị khen thưởng năm {year}"))
        stories.append((_reports(ctx, year, plan.upper, plan.on), f"Báo cáo thành tích năm {year}"))
        if plan.upper.meetings:
            stories.append((_minutes_of(ctx, plan.upper.meetings), f"Biên bản họp bình xét năm {year}"))
    written = []
    for i, ((story, doc_title), name) in enumerate(zip(stories, plan.files)):
        step(20 + 75 * i // len(stories), f"Đang in {doc_title.lower()}…")
        written.append(write(out_dir / name, story, doc_title, store.actor))
    step(100, "Đã in xong.")
    return written
