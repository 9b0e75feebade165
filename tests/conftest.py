"""Strict, isolated tests: offscreen Qt set before Qt loads, a temporary data folder for every test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from thidua_desktop.register import dataset, demo
from thidua_desktop.store import Store


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("THIDUA_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "commune.sqlite", actor="Cán bộ Kiểm thử")
    yield s
    s.close()


@pytest.fixture
def demo_data():
    return demo.generate(households=60, villages=4, seed=7)


@pytest.fixture
def filled_store(store, demo_data):
    dataset.import_data(store, demo_data)
    return store


@pytest.fixture
def store_factory(tmp_path):
    opened = []

    def make(name: str = "other.sqlite"):
        s = Store.open(tmp_path / name, actor="Cán bộ Kiểm thử")
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()
