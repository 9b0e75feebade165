"""The program looks after itself: daily checked backups, kept to a number, and a log file."""

import logging

from tests.helpers import sql
from thidua_desktop import care, paths
from thidua_desktop.register import households
from thidua_desktop.store import Store, describe_copy, is_sound


def test_daily_backup_once_a_day_checked_and_kept_to_ten(filled_store):
    folder = paths.backups_dir(filled_store.path)
    for day in range(1, 15):  # two weeks of older daily copies
        (folder / f"{filled_store.path.stem}-202601{day:02d}-080000-000000-{care.DAILY}.sqlite").write_bytes(b"x")
    first = care.daily_backup(filled_store)
    assert first is not None and is_sound(first)
    assert care.daily_backup(filled_store) is None  # once a day
    kept = sorted(folder.glob(f"*-{care.DAILY}.sqlite"))
    assert len(kept) == care.KEEP_DAILY and kept[-1] == first
    restored = Store.open(first)  # the copy is a real database with the same households
    assert restored.register.household_count() == filled_store.register.household_count()
    restored.close()


def test_damaged_copy_fails_the_integrity_check(tmp_path):
    broken = tmp_path / "hong.sqlite"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    assert not is_sound(broken)


def _close_log() -> None:
    for handler in list(logging.getLogger("thidua").handlers):
        logging.getLogger("thidua").removeHandler(handler)
        handler.close()


def test_log_file_in_the_data_folder_once_per_process():
    path = care.setup_logging()
    assert path.parent == paths.logs_dir()
    logging.getLogger("thidua.test").info("Nhật ký: xin chào")
    for handler in logging.getLogger("thidua").handlers:
        handler.flush()
    assert "Nhật ký: xin chào" in path.read_text(encoding="utf-8")
    assert care.setup_logging() == path  # a second call adds no second handler
    assert sum(h.get_name() == care.LOG_FILE for h in logging.getLogger("thidua").handlers) == 1
    _close_log()


def test_a_long_log_is_put_aside_at_the_next_start_five_kept_in_turn():
    path = paths.logs_dir() / care.LOG_FILE
    for start in range(7):  # seven starts, each finding the log over its length
        _close_log()
        path.write_text(f"lần {start}\n" + "x" * care.LOG_TURN_BYTES, encoding="utf-8")
        care.setup_logging()
        logging.getLogger("thidua.test").info("bắt đầu %d", start)
        for handler in logging.getLogger("thidua").handlers:
            handler.flush()
        assert path.stat().st_size < 1000 and f"bắt đầu {start}" in path.read_text(encoding="utf-8")
    _close_log()
    kept = sorted(p.name for p in paths.logs_dir().glob(f"{care.LOG_FILE}.*"))
    assert kept == [f"{care.LOG_FILE}.{i}" for i in range(1, care.LOG_KEPT + 1)]
    newest_aside = path.with_name(f"{care.LOG_FILE}.1").read_text(encoding="utf-8")
    assert newest_aside.startswith("lần 6")
    assert path.with_name(f"{care.LOG_FILE}.5").read_text(encoding="utf-8").startswith("lần 2")


def test_restore_brings_back_what_the_copy_holds_and_keeps_the_present(filled_store):
    copy = filled_store.backup("hang-ngay")
    count = filled_store.register.household_count()
    hid = sql(filled_store, "SELECT id FROM household LIMIT 1")[0][0]
    filled_store.register.delete_household(hid)
    preview = describe_copy(copy)
    assert preview["sound"] and preview["households"] == count and preview["commune"]
    listed = care.list_backups(filled_store)
    assert listed[0]["path"] == copy and listed[0]["reason"] == "Sao lưu hằng ngày"
    before = filled_store.restore_from(copy)
    assert filled_store.register.household_count() == count
    assert Store.open(before).register.household_count() == count - 1  # the present was kept first
    households.save(filled_store, {**filled_store.register.household(hid), "members": 7})  # still writable, audited
    assert any(e.field == "members" for e in filled_store.register.audit_for_household(hid))
