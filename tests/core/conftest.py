"""What the core's tests of the upward trip share: a province and a commune, each with its own file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from thidua_desktop.exchange import outbox, upper_level
from thidua_desktop.register import dataset
from thidua_desktop.store import Store

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "example-dataset.json"


@pytest.fixture(scope="session")
def trip_template(tmp_path_factory) -> Path:
    """The trip's two folders (each file with its keys), made once a session and copied for each test."""
    folder = tmp_path_factory.mktemp("trip")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("THIDUA_DATA_DIR", str(folder / "data"))
        province = Store.open(folder / "tinh" / "tinh.sqlite", actor="Cán bộ tỉnh")
        setup = upper_level.init(province, "UBND tỉnh Tuyên Quang", "province")
        commune = Store.open(folder / "xa" / "xa.sqlite", actor="Cán bộ xã")
        dataset.import_data(commune, dataset.read_file(EXAMPLE))
        outbox.setup_upper(commune, setup, "setup.json")
        province.close()
        commune.close()
    return folder


@pytest.fixture
def trip(tmp_path, trip_template):
    """A province, and a commune that has its setup file; neither trusts the other's package yet."""
    for name in ("tinh", "xa"):
        shutil.copytree(trip_template / name, tmp_path / name)  # copy2 keeps the key files' owner-only mode
    province = Store.open(tmp_path / "tinh" / "tinh.sqlite", actor="Cán bộ tỉnh")
    commune = Store.open(tmp_path / "xa" / "xa.sqlite", actor="Cán bộ xã")
    yield province, commune, tmp_path
    province.close()
    commune.close()


def trusted(province: Store, commune: Store, usb: Path) -> Path:
    """A first package, refused (not trusted), then trusted by its fingerprint and imported."""
    first = outbox.export_package(commune, usb)
    refused = upper_level.import_files(province, [first])[0]
    assert refused.status == "refused" and outbox.own_keys(commune).fingerprint in refused.message
    upper_level.trust(province, "02191", outbox.own_keys(commune).fingerprint.replace(" ", "").lower())
    return first
