import json
import os
from pathlib import Path

import pytest

from thidua_desktop import care
from thidua_desktop.exchange import upper_level
from thidua_desktop.register import dataset
from thidua_desktop.store import Store
from ui.app import make_application

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "example-dataset.json"
LAPTOP = (1366, 768)  # the office laptop every window must fit (its taskbar: tests/ui/test_screen.py)


@pytest.fixture(scope="session")
def qapp_args(tmp_path_factory):
    """The window's tests run on the screen of an office laptop: the offscreen platform given one
    1366x768 screen, with window frames (its default is a frameless 800x600)."""
    if not os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        return ["thidua-tests"]  # a real display (Xvfb) brings its own screen
    width, height = LAPTOP
    config = tmp_path_factory.mktemp("qpa") / "laptop.json"
    screen = {"name": "laptop", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96, "dpr": 1}
    config.write_text(json.dumps({"windowFrameMargins": True, "screens": [screen]}), encoding="utf-8")
    return ["thidua-tests", "-platform", f"offscreen:configfile={config}"]


@pytest.fixture(autouse=True)
def vietnamese_app(qapp):
    """The application as the program makes it: Vietnamese for Qt's own words."""
    return make_application()


@pytest.fixture(autouse=True)
def prompts(monkeypatch):
    """Answer every confirmation prompt with yes and swallow message boxes, recording what they said.

    A modal box left waiting would hang the run; tests read what the officer would have been told.
    """
    said = []

    def answer(value):
        def prompt(parent, title, text, yes="Đồng ý", no="Không"):
            said.append(text)
            return value

        return prompt

    import importlib
    import pkgutil
    import sys

    from PySide6.QtWidgets import QMessageBox

    import ui
    from ui.common import messages

    for found in pkgutil.walk_packages(ui.__path__, "ui."):  # the windows import their pages when first opened
        importlib.import_module(found.name)
    original_confirm, original_error = messages.confirm, messages.show_error
    for name, module in list(sys.modules.items()):
        if name.startswith("ui.") and module is not None:
            if getattr(module, "confirm", None) is original_confirm:
                monkeypatch.setattr(module, "confirm", answer(True))
            if getattr(module, "show_error", None) is original_error:
                monkeypatch.setattr(module, "show_error", lambda parent, text, title="": said.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: said.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: said.append(a[2]))
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: said.append(a[2]))
    monkeypatch.setattr(QMessageBox, "about", lambda *a, **k: said.append(a[2]))
    return said


@pytest.fixture
def pair(tmp_path):
    """The two ends of the upward trip: a province set up (with its setup file) and a filled commune."""
    province = Store.open(tmp_path / "tinh.sqlite", actor="Cán bộ tỉnh")
    setup = tmp_path / "thiet-lap.json"
    setup.write_bytes(upper_level.init(province, "UBND tỉnh Tuyên Quang", "province"))
    commune = Store.open(tmp_path / "xa.sqlite", actor="Cán bộ xã")
    dataset.import_data(commune, dataset.read_file(EXAMPLE))
    yield province, commune, setup
    province.close()
    commune.close()


@pytest.fixture
def log_file():
    """The program's log as care.setup_logging() opens it, in this test's data folder (the handler is
    closed after the test by tests/conftest.py's thidua_log)."""
    return care.setup_logging()
