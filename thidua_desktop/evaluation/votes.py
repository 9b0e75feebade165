"""Village meetings (họp bình xét): outcomes of the votes and the households put to a meeting."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from thidua_desktop import domain
from thidua_desktop.errors import Refused
from thidua_desktop.evaluation.criteria import CriteriaSet
from thidua_desktop.register import rules
from thidua_desktop.store import Store, new_id
from thidua_desktop.text import format_percent


@dataclass
class Outcome:
    share: Fraction  # agree / attendees
    approved: bool

    def text(self, criteria: CriteriaSet) -> str:
        op = "≥" if criteria.vote_operator == ">=" else ">"
        verdict = "Được đề nghị" if self.approved else "Không đủ số đồng ý"
        return f"{verdict} ({percent(self.share)}, cần {op} {percent(criteria.vote_share)})"


def percent(share: Fraction) -> str:
    return format_percent(float(share * 100))


def outcome(vote: dict, attendees: int, criteria: CriteriaSet) -> Outcome:
    """The result of one household's vote (criteria.md: agree / attendees against the set's share)."""
    return Outcome(Fraction(vote["agree"], attendees), criteria.vote_passes(vote["agree"], attendees))


def attendance(meeting: dict) -> Fraction | None:
    """Households represented / households on the list, when both are known."""
    represented, listed = meeting.get("households_represented"), meeting.get("households_on_list")
    if represented is None or not listed:
        return None
    return Fraction(represented, listed)


def save_meeting(store: Store, meeting: dict) -> None:
    """Check a meeting against the register's rules (its village, date and votes), then store it whole,
    or refuse it with every reason."""
    villages = {v["id"] for v in store.register.villages()}
    voted = [v["household_id"] for v in meeting["decisions"]]
    present = set(store.register.household_names(ids=voted)) if voted else set()
    problems = rules.check_meeting(meeting, villages, present)
    if problems:
        raise Refused("; ".join(p.message for p in problems))
    store.meetings.save(meeting)


def new_meeting(village_id: str, year: int, held_on: str) -> dict:
    return {
        "id": new_id(),
        "village_id": village_id,
        "year": year,
        "held_on": held_on,
        "purpose": "emulation",
        "chair": None,
        "secretary": None,
        "attendees": 1,
        "households_represented": None,
        "households_on_list": None,
        "decisions": [],
        "place": None,
        "officials": [],
    }


@dataclass
class AgendaItem:
    household_id: str
    code: str | None
    head_name: str
    note: str  # what the evaluation already knows of the household, for the meeting


def agenda(store: Store, meeting: dict, report: dict | None) -> list[AgendaItem]:
    """The households a meeting considers: those it decided on, or, before it is held, the village's
    households that the evaluation has not already ruled out on something other than the vote."""
    judged = {h["id"]: h for h in (report or {}).get("households", ())}
    if meeting["decisions"]:
        ids = [d["household_id"] for d in meeting["decisions"]]
    else:
        ids = [h["id"] for h in judged.values() if still_in_running(h)]
    rows = store.register.household_names(village_id=meeting["village_id"])
    items = [AgendaItem(hid, rows[hid].code, rows[hid].head_name, _note(judged.get(hid))) for hid in ids if hid in rows]
    if not meeting["decisions"]:
        items.sort(key=lambda i: (i.code or "", i.head_name))
    return items


VOTE_CRITERIA = ("A6", "B4")


def still_in_running(judged: dict) -> bool:
    """A household some category of which fails on nothing but the vote a meeting is about to hold."""
    return any(
        all(c["verdict"] != "not_met" for k, c in cat["criteria"].items() if k not in VOTE_CRITERIA)
        for cat in judged["categories"].values()
    )


def _note(judged: dict | None) -> str:
    if judged is None:
        return ""
    parts = []
    for key, cat in judged["categories"].items():
        open_ = [
            k for k, c in cat["criteria"].items() if c["verdict"] in ("missing", "not_met") and k not in VOTE_CRITERIA
        ]
        label = domain.CATEGORY_LABELS[key]
        parts.append(f"{label}: " + ("đạt các tiêu chí khác" if not open_ else "xem lại " + ", ".join(open_)))
    return "; ".join(parts)
