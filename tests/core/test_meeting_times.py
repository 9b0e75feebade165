"""A meeting's start and end times: a migration adds them, forms write them, the minutes print them, and
the dataset file (a fixed contract without a place for them) neither carries nor erases them."""

from __future__ import annotations

from sqlite_utils import Database

from tests.helpers import sql
from thidua_desktop.evaluation import votes
from thidua_desktop.register import dataset
from thidua_desktop.store import Store, new_id
from thidua_desktop.store.migrations import migrations


def test_a_file_of_the_previous_version_gains_the_times_and_keeps_its_meetings(tmp_path):
    path = tmp_path / "old.sqlite"
    db = Database(path)
    db.conn.create_function("thidua_actor", 0, lambda: "cũ")
    migrations.apply(db, stop_before="m006_meeting_times")
    village, meeting = new_id(), new_id()
    db.conn.execute("INSERT INTO village (id, name, kind) VALUES (?, 'Thôn Nà Khà', 'thon')", (village,))
    db.conn.execute(
        "INSERT INTO meeting (id, village_id, year, held_on, purpose, attendees, officials) "
        "VALUES (?, ?, 2019, '2019-12-05', 'emulation', 30, '[]')",
        (meeting, village),
    )
    db.conn.commit()
    db.conn.close()
    s = Store.open(path)
    try:
        assert {"start_time", "end_time"} <= {c.name for c in s.db["meeting"].columns}
        back = s.meetings.get(meeting, with_times=True)
        assert back is not None and (back["start_time"], back["end_time"]) == (None, None)
        assert "start_time" not in s.meetings.get(meeting)  # the dataset's shape
    finally:
        s.close()


def test_times_stay_in_the_file_across_a_dataset_and_a_form_without_them(filled_store):
    m = filled_store.meetings.find(2019)[0]
    votes.save_meeting(filled_store, {**m, "start_time": "19:30", "end_time": "21:15"})
    back = filled_store.meetings.get(m["id"], with_times=True)
    assert (back["start_time"], back["end_time"]) == ("19:30", "21:15")

    data = dataset.export_data(filled_store)
    assert all("start_time" not in meeting for meeting in data["meetings"])  # the contract has no place
    dataset.import_data(filled_store, data)
    votes.save_meeting(filled_store, filled_store.meetings.get(m["id"]))  # a form that knows nothing of times
    kept = filled_store.meetings.get(m["id"], with_times=True)
    assert (kept["start_time"], kept["end_time"]) == ("19:30", "21:15")

    votes.save_meeting(filled_store, {**kept, "start_time": None, "end_time": None})  # a form that clears them
    cleared = filled_store.meetings.get(m["id"], with_times=True)
    assert (cleared["start_time"], cleared["end_time"]) == (None, None)
    changes = sql(
        filled_store,
        "SELECT field, old FROM audit_log WHERE tbl = 'meeting' AND record_id = ? AND field = 'start_time'",
        (m["id"],),
    )
    assert ("start_time", "19:30") in [tuple(r) for r in changes]  # audited like every other column
