"""Strict, isolated tests: offscreen Qt set before Qt loads, a temporary data folder for every test.

Every test gets its own database file. Migrating a new file takes a tenth of a second, so the
migrations run once a session on a template file, and each test's file starts as a copy of it
(likewise the demo commune, imported once and copied for each test that asks for `filled_store`).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
from pathlib import Path

import pytest

from tests.helpers import own_log_handlers
from thidua_desktop.register import dataset, demo
from thidua_desktop.store import Store

ACTOR = "Cán bộ Kiểm thử"
DEMO = {"households": 60, "villages": 4, "seed": 7}  # demo_data and the filled template alike


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("THIDUA_DATA_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def thidua_log():
    """Each test's log goes to its own data folder (a command adds a handler for its data folder)."""
    with own_log_handlers() as logger:
        yield logger


def _template(factory: pytest.TempPathFactory, name: str, fill: bool) -> Path:
    """A migrated (and, if asked, filled) database file made once a session, with its own data folder."""
    folder = factory.mktemp(name)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("THIDUA_DATA_DIR", str(folder / "data"))
        s = Store.open(folder / "template.sqlite", actor=ACTOR)
        try:
            if fill:
                dataset.import_data(s, demo.generate(**DEMO))
        finally:
            s.close()
    leftovers = {p.name for p in folder.iterdir()} - {"template.sqlite", "data"}
    assert not leftovers, f"the template made more than its file: {leftovers}"  # a copy of one file is enough
    return folder / "template.sqlite"


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory) -> Path:
    return _template(tmp_path_factory, "empty-template", fill=False)


@pytest.fixture(scope="session")
def filled_template(tmp_path_factory) -> Path:
    return _template(tmp_path_factory, "filled-template", fill=True)


def open_copy(template: Path, target: Path) -> Store:
    """Open `target`, starting it as a copy of the template when it does not exist yet."""
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, target)
    return Store.open(target, actor=ACTOR)


@pytest.fixture
def store(request, tmp_path, empty_template):
    # A test that asks for filled_store gets this same store, started from the filled template.
    filled = "filled_store" in request.fixturenames
    template = request.getfixturevalue("filled_template") if filled else empty_template
    s = open_copy(template, tmp_path / "commune.sqlite")
    yield s
    s.close()


@pytest.fixture
def demo_data():
    return demo.generate(**DEMO)


@pytest.fixture
def filled_store(store, demo_data):
    """The demo commune (demo_data) imported into `store`: copied from the filled template."""
    return store


@pytest.fixture
def store_factory(tmp_path, empty_template):
    opened = []

    def make(name: str = "other.sqlite"):
        s = open_copy(empty_template, tmp_path / name)
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()
