"""The line between the user's situation and our bug: SQLite errors told apart by their code, and the
save services refusing in Vietnamese whatever a caller hands them, with nothing written."""

import copy
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import sql
from thidua_desktop.errors import Refused
from thidua_desktop.evaluation import votes
from thidua_desktop.register import households
from thidua_desktop.store import Store
from thidua_desktop.store.database import refusal_for


def _error(kind: type[sqlite3.Error], code: int) -> sqlite3.Error:
    exc = kind("message SQLite wrote in English")
    exc.sqlite_errorcode = code  # type: ignore[attr-defined]
    return exc


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (sqlite3.SQLITE_BUSY, "đang được một chương trình khác sử dụng"),
        (sqlite3.SQLITE_LOCKED, "đang được một chương trình khác sử dụng"),
        (sqlite3.SQLITE_READONLY, "chỉ cho phép đọc"),
        (sqlite3.SQLITE_FULL, "Ổ đĩa đã đầy"),
        (sqlite3.SQLITE_CORRUPT, "đã bị hỏng"),
        (sqlite3.SQLITE_NOTADB, "không phải tệp dữ liệu ThiDua"),
        (sqlite3.SQLITE_CANTOPEN, "Không mở được tệp"),
        (sqlite3.SQLITE_IOERR, "không đọc hoặc ghi được"),
        (sqlite3.SQLITE_IOERR | (3 << 8), "không đọc hoặc ghi được"),  # an extended code: SQLITE_IOERR_WRITE
    ],
)
def test_the_users_situations_are_told_by_their_code_in_vietnamese(code, words):
    refusal = refusal_for(_error(sqlite3.OperationalError, code), "xa.sqlite")
    assert isinstance(refusal, Refused) and words in str(refusal) and "English" not in str(refusal)


@pytest.mark.parametrize(
    ("kind", "code"),
    [(sqlite3.IntegrityError, sqlite3.SQLITE_CONSTRAINT), (sqlite3.OperationalError, sqlite3.SQLITE_ERROR)],
)
def test_anything_else_is_a_bug_whatever_its_text_says(kind, code):
    # The old matcher read the text: "database is locked" in a constraint's message was a refusal.
    assert refusal_for(_error(kind, code), "xa.sqlite") is None


def test_a_file_locked_by_another_program_is_refused_and_nothing_is_written(filled_store, tmp_path):
    filled_store.conn.execute("PRAGMA busy_timeout = 50")  # do not wait the usual 5 s in a test
    hid = sql(filled_store, "SELECT id FROM household LIMIT 1")[0][0]
    other = sqlite3.connect(filled_store.path)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(Refused, match="đang được một chương trình khác sử dụng"):
            filled_store.register.household_count()  # reading waits too, then is refused in words
        with pytest.raises(Refused, match="đang được một chương trình khác sử dụng"):
            filled_store.register.delete_household(hid)
    finally:
        other.rollback()
        other.close()
    assert filled_store.register.household(hid)["deleted"] is False
    assert not filled_store.conn.in_transaction


def test_a_bug_inside_a_transaction_is_raised_as_it_is_and_rolled_back(filled_store):
    before = filled_store.register.household_count()
    with pytest.raises(sqlite3.IntegrityError):
        with filled_store.transaction() as c:
            c.execute("UPDATE household SET deleted_at = 'x'")
            c.execute("INSERT INTO commune (singleton, code, name) VALUES (2, 'x', 'y')")
    assert filled_store.register.household_count() == before


def test_inner_transactions_join_the_outer_one(filled_store):
    hid = sql(filled_store, "SELECT id FROM household LIMIT 1")[0][0]
    with pytest.raises(RuntimeError):
        with filled_store.transaction():
            filled_store.register.delete_household(hid)  # its own transaction joins this one
            raise RuntimeError("the rest of the action failed")
    assert filled_store.register.household(hid)["deleted"] is False


# --- the household service, fed what any caller might hand it -------------------------------------------

ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
FIELDS = [
    ("code",),
    ("members",),
    ("left_in",),
    ("village_id",),
    ("policy_household",),
    ("head", "name"),
    ("head", "gender"),
    ("head", "birth_year"),
    ("head", "id_number"),
    ("head", "ethnicity"),
    ("years", 0, "status"),
    ("years", 0, "year"),
    ("years", 0, "income_per_capita"),
    ("years", 0, "deprivations"),
    ("years", 0, "assessments", "effort"),
    ("years", 0, "evidence", "effort"),
    ("loans",),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(st.sampled_from(FIELDS), ODD), min_size=1, max_size=3))
def test_a_household_from_any_caller_is_saved_or_refused_in_vietnamese_with_nothing_written(filled_store, changes):
    hid = sql(filled_store, "SELECT h.id FROM household h JOIN review_record r ON r.household_id = h.id LIMIT 1")[0][0]
    stored = filled_store.register.household(hid)
    hh = copy.deepcopy(stored)
    for path, value in changes:
        target = hh
        for key in path[:-1]:
            target = target[key] if isinstance(target, dict) or key < len(target) else {}
        if isinstance(target, dict):
            target[path[-1]] = value
    audit = sql(filled_store, "SELECT count(*) FROM audit_log")[0][0]
    try:
        households.save(filled_store, hh)
    except Refused as refusal:
        assert str(refusal).startswith("Không lưu được hộ")
        assert filled_store.register.household(hid) == stored
        assert sql(filled_store, "SELECT count(*) FROM audit_log")[0][0] == audit
    else:
        households.save(filled_store, stored)  # back as it was for the next example


def test_a_meeting_voting_on_a_household_not_in_the_register_is_refused(filled_store):
    village = filled_store.register.villages()[0]
    meeting = votes.new_meeting(village["id"], 2019, "2019-12-05")
    meeting["attendees"] = 10
    meeting["decisions"] = [{"household_id": "khong-co", "agree": 6, "disagree": 2, "abstain": 2}]
    with pytest.raises(Refused, match="không có hộ nào mang mã khong-co"):
        votes.save_meeting(filled_store, meeting)
    assert filled_store.meetings.get(meeting["id"]) is None


def test_a_store_opened_on_a_folder_is_refused(tmp_path):
    with pytest.raises(Refused):
        Store.open(tmp_path)
