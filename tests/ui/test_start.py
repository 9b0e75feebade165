"""The program's start as the officer meets it: the window paints first; then the page on screen, the
day's backup and the knock of a second start on the same file."""

from __future__ import annotations

import argparse

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from thidua_desktop import paths
from ui.app import _run_window
from ui.common import single_instance
from ui.main_window import MainWindow


def test_start_paints_then_opens_the_page_backs_up_and_answers_a_second_start(filled_store):
    db = filled_store.path
    households = filled_store.register.household_count()
    filled_store.close()
    name = single_instance.server_name(db)
    seen: dict[str, object] = {}

    def look() -> None:
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        seen["built"] = sorted(window.tabs.pages)
        seen["listed"] = window.households.model.rowCount()
        seen["backups"] = [p.name for p in paths.backups_dir(db).glob("*") if p.is_file()]
        seen["claimed"] = single_instance.claim(name) is None  # the running window holds the file
        seen["knocked"] = single_instance.ask_running_window(name)
        window.close()

    def when_ready() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows and "households" in windows[0].tabs.pages:
            QTimer.singleShot(200, look)
        else:
            QTimer.singleShot(20, when_ready)

    QTimer.singleShot(0, when_ready)
    args = argparse.Namespace(db=db, demo=False, officer=None, quit_when_shown=False)
    assert _run_window(args) == 0
    assert seen["built"] == ["households"]  # no other tab is built before it is opened
    assert seen["listed"] == households
    assert seen["backups"]  # the day's first copy
    assert seen["claimed"] and seen["knocked"]
    lock = single_instance.claim(name)  # the window ended: the file is free
    assert lock is not None
    lock.unlock()


def test_a_page_is_built_when_its_tab_is_opened(filled_store, qtbot):
    window = MainWindow(filled_store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "households" in window.tabs.pages)
    assert "evaluation" not in window.tabs.pages
    window.tabs.setCurrentIndex(window.tabs.index_of("evaluation"))
    assert window.tabs.currentWidget() is window.tabs.pages["evaluation"] is window.evaluation
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Kết quả thi đua"


def test_the_program_started_as_the_officer_starts_it_paints_its_window(filled_store, tmp_path):
    """A real process (main.py, offscreen): the window painted, what the start-up benchmark reads."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    filled_store.close()
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "THIDUA_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, str(root / "main.py"), "--db", str(filled_store.path), "--quit-when-shown"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("painted at ")


def test_leaving_the_first_starts_setup_ends_the_program_and_frees_the_file(store):
    """A new file asks for the commune first; closing that form ends the program, the file closed and
    free for the next start."""
    from ui.commune.commune_page import CommuneDialog

    db = store.path
    store.close()
    name = single_instance.server_name(db)
    asked: list[str] = []
    before = set(QApplication.topLevelWidgets())

    def leave() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, CommuneDialog):
            asked.append(dialog.windowTitle())
            dialog.reject()
        else:
            QTimer.singleShot(20, leave)

    QTimer.singleShot(0, leave)
    args = argparse.Namespace(db=db, demo=False, officer=None, quit_when_shown=False)
    assert _run_window(args) == 0
    assert asked  # the setup was asked first
    assert not any(isinstance(w, MainWindow) for w in set(QApplication.topLevelWidgets()) - before)
    lock = single_instance.claim(name)
    assert lock is not None  # the next start finds the file free
    lock.unlock()
