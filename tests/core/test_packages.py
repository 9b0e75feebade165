"""The upward trip with two real SQLite files (a commune and its level above), every way a package can
go wrong refused with its message and nothing written, and the HTTP receiver on loopback."""

from __future__ import annotations

import io
import json
import socket
import threading
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nacl.public import PublicKey, SealedBox
from nacl.signing import SigningKey

from tests.core.conftest import trusted
from tests.helpers import sql
from thidua_desktop import paths
from thidua_desktop.errors import Refused
from thidua_desktop.evaluation import nominations
from thidua_desktop.exchange import inbox, keys, outbox, package, upper_level
from thidua_desktop.exchange.package import PackageRefused
from thidua_desktop.register import dataset, demo, households
from thidua_desktop.store import Store


def written(province: Store) -> tuple:
    """What an import may change: packages taken, trusted keys, and the communes' own files."""
    folder = paths.commune_copies_dir(province.path)
    return (
        sql(province, "SELECT count(*) FROM upper_package")[0][0],
        tuple(tuple(r) for r in sql(province, "SELECT code, fingerprint, last_sequence FROM upper_unit")),
        tuple(sorted((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in folder.iterdir())),
    )


def test_the_whole_trip_by_folder_and_back(trip):
    province, commune, tmp = trip
    usb = tmp / "usb"
    first = trusted(province, commune, usb)
    assert first.name == f"thidua-02191-{__import__('datetime').date.today().year}-0001.tdgoi"
    assert b"H\xc3\xb4ng" not in first.read_bytes() and "Hồng".encode() not in first.read_bytes()  # nothing readable
    [result] = upper_level.import_files(province, [first], receipt_dir=usb)
    assert result.status == "accepted" and (result.households, result.added, result.changed) == (14, 14, 0)
    manifest = json.loads(sql(province, "SELECT manifest FROM upper_package")[0][0])
    assert manifest["criteria_set"] == {"name": "tuyen-quang-2016-2020", "version": 1}
    assert manifest["counts"] == {"villages": 3, "households": 14, "records": 61, "meetings": 12, "nominations": 3}
    assert set(manifest["members"]) == {"dataset.json"} and manifest["sequence"] == 1
    mirror = upper_level.commune_store(province, "02191")
    assert _without_time(dataset.export_data(mirror)) == _without_time(dataset.export_data(commune))
    mirror.close()
    receipt = usb / f"thidua-02191-{first.name.split('-')[2]}-0001.bien-nhan.json"
    told = outbox.take_receipt(commune, receipt.read_bytes(), receipt.name)
    assert told.startswith("Gói số 1: cấp trên đã nhận.")
    [entry] = commune.outbox.entries()
    assert entry.status == "received"
    assert sql(commune, "SELECT package FROM outbox")[0][0] is None  # it left the outbox with its receipt

    # The province decides on a nomination; the decision travels back in a receipt.
    nom = commune.nominations.find(2019)[0]
    nominations.save(commune, [{**nom, "status": "sent"}], _report(commune))
    upper_level.import_files(province, [outbox.export_package(commune, usb)])
    [received] = upper_level.received_nominations(province, 2019)[:1]
    upper_level.decide(province, "02191", received["id"], "decided", "125/QĐ-UBND", "2020-02-10")
    told = outbox.take_receipt(commune, upper_level.fresh_receipt(province, "02191"), "bien-nhan.json")
    assert "Đã ghi 1 quyết định" in told
    after = next(n for n in commune.nominations.find(2019) if n["id"] == nom["id"])
    assert (after["status"], after["decision_number"], after["decision_date"]) == (
        "decided",
        "125/QĐ-UBND",
        "2020-02-10",
    )


def test_a_change_at_the_commune_is_counted_and_a_replay_changes_nothing(trip):
    province, commune, tmp = trip
    first = trusted(province, commune, tmp / "usb")
    upper_level.import_files(province, [first])
    hh = commune.register.household(sql(commune, "SELECT id FROM household LIMIT 1")[0][0], with_evidence=False)
    hh.pop("deleted", None)
    hh["members"] += 1
    households.save(commune, hh)
    dataset.import_data(
        commune,
        {
            **dataset.export_data(commune),
            "households": dataset.export_data(commune)["households"]
            + demo.generate(households=3, villages=1, seed=9)["households"][:0],
        },
    )
    second = outbox.export_package(commune, tmp / "usb")
    [dry] = upper_level.import_files(province, [second], dry_run=True)
    assert dry.status == "checked" and (dry.added, dry.changed) == (0, 1)
    before = written(province)
    [ok] = upper_level.import_files(province, [second])
    assert ok.status == "accepted" and ok.changed == 1
    after = written(province)
    [again] = upper_level.import_files(province, [second])
    assert again.status == "duplicate" and written(province) == after != before


def test_packages_from_before_are_refused_and_gaps_reported(trip):
    province, commune, tmp = trip
    first = trusted(province, commune, tmp / "usb")
    upper_level.import_files(province, [first])
    second = outbox.export_package(commune, tmp / "usb")
    third = outbox.export_package(commune, tmp / "usb")
    [r3] = upper_level.import_files(province, [third])
    assert r3.status == "accepted" and any("Thiếu gói số 2" in n for n in r3.notes)
    before = written(province)
    [r2] = upper_level.import_files(province, [second])
    assert r2.status == "refused" and "gói số 2 cũ hơn gói số 3" in r2.message
    assert written(province) == before
    # handed over together and out of order, they are taken oldest first
    fourth, fifth = (outbox.export_package(commune, tmp / "usb") for _ in range(2))
    assert [r.status for r in upper_level.import_files(province, [fifth, fourth])] == ["accepted", "accepted"]


def _without_time(data):
    return {k: v for k, v in data.items() if k != "exported_at"}


def _report(store):
    from thidua_desktop.evaluation import criteria, evaluator

    return evaluator.evaluate(dataset.export_data(store), 2019, criteria.load())


def _forge(
    commune: Store, province: Store, members: dict[str, bytes], signing: SigningKey | None = None, sequence: int = 1
) -> bytes:
    """A package made by hand: the commune's own key (or another), sealed to the province."""
    signing = signing or outbox.own_keys(commune).signing
    box = upper_level.own_keys(province).box_public
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    sealed = SealedBox(PublicKey(box)).encrypt(bytes(signing.verify_key) + bytes(signing.sign(buffer.getvalue())))
    header = package.canonical(
        {
            "format": "thidua-package",
            "version": package.FORMAT_VERSION,
            "commune_code": "02191",
            "sequence": sequence,
            "recipient": keys.fingerprint(box),
            "length": len(sealed),
        }
    )
    return package.MAGIC + header + b"\n" + sealed


def _manifest(commune: Store, province: Store, dataset_bytes: bytes, sequence: int = 1, key: bytes | None = None):
    return package.canonical(
        {
            "format": "thidua-package",
            "version": package.FORMAT_VERSION,
            "commune_code": "02191",
            "commune_name": "Xã Hồng Thái",
            "sequence": sequence,
            "previous_sha256": None,
            "sender_key": keys.b64(key or outbox.own_keys(commune).verify_key),
            "recipient": keys.fingerprint(upper_level.own_keys(province).box_public),
            "members": {"dataset.json": package.sha256(dataset_bytes)},
        }
    )


@pytest.mark.parametrize(
    "case, message",
    [
        ("tampered", "gói đã bị thay đổi hoặc hỏng trên đường đi"),
        ("truncated", "gói bị cắt cụt"),
        ("trailing", "thêm dữ liệu lạ ở cuối"),
        ("not a package", "không phải gói dữ liệu ThiDua"),
        ("wrong key", "được mã hóa cho một đơn vị khác"),
        ("zip slip", "gói chứa tệp lạ '../../thidua.sqlite'"),
        ("bomb", "bom giải nén"),
        ("oversized", "gói quá lớn"),
        ("forged", "đã đổi khóa"),
        ("other commune's data", "dữ liệu trong gói là của xã khác"),
        ("broken rules", "có 1 lỗi"),
        ("header swapped", "không khớp với bản kê đã ký"),
    ],
)
def test_every_bad_package_is_refused_with_its_message_and_nothing_written(trip, case, message, monkeypatch):
    province, commune, tmp = trip
    upper_level.import_files(province, [trusted(province, commune, tmp / "usb")])
    good = outbox.package_bytes(commune, outbox.make_package(commune).sequence)
    data = dataset.export_data(commune)
    raw = {
        "tampered": lambda: good[:-100] + bytes([good[-100] ^ 1]) + good[-99:],
        "truncated": lambda: good[: len(good) // 2],
        "trailing": lambda: good + b"x",
        "not a package": lambda: b"PK\x03\x04" + good,
        "wrong key": lambda: package.build(
            data,
            2,
            None,
            outbox.own_keys(commune).signing,
            bytes(
                keys.KeyPair(SigningKey.generate(), __import__("nacl.public").public.PrivateKey.generate()).box_public
            ),
        ),
        "zip slip": lambda: _forge(
            commune, province, {"manifest.json": b"{}", "../../thidua.sqlite": b"x"}, sequence=2
        ),
        "bomb": lambda: _forge(
            commune,
            province,
            {"manifest.json": _manifest(commune, province, b"", 2), "dataset.json": b"0" * (3 * 1024 * 1024)},
            sequence=2,
        ),
        "oversized": lambda: good,
        "forged": lambda: _forge(
            commune,
            province,
            {"manifest.json": _manifest(commune, province, b"{}", 2, bytes(other.verify_key)), "dataset.json": b"{}"},
            signing=other,
            sequence=2,
        ),
        "other commune's data": lambda: _forge(
            commune,
            province,
            {
                "manifest.json": _manifest(
                    commune,
                    province,
                    (d := package.canonical({**data, "commune": {**data["commune"], "code": "02194"}})),
                    2,
                ),
                "dataset.json": d,
            },
            sequence=2,
        ),
        "broken rules": lambda: _forge(
            commune,
            province,
            {
                "manifest.json": _manifest(
                    commune,
                    province,
                    (d := package.canonical({**data, "meetings": [{**data["meetings"][0], "attendees": 1}]})),
                    2,
                ),
                "dataset.json": d,
            },
            sequence=2,
        ),
        "header swapped": lambda: good.replace(b'"sequence":2', b'"sequence":7', 1),
    }
    other = SigningKey.generate()
    if case == "bomb":
        monkeypatch.setattr(package, "MAX_MEMBER_BYTES", 1024 * 1024)
    if case == "oversized":
        monkeypatch.setattr(package, "MAX_PACKAGE_BYTES", 1000)
    file = tmp / "usb" / "bad.tdgoi"
    file.write_bytes(raw[case]())
    before = written(province)
    [result] = upper_level.import_files(province, [file], receipt_dir=tmp / "receipts")
    assert result.status == "refused" and message in result.message, result.message
    assert written(province) == before


def test_a_commune_not_yet_trusted_is_refused_naming_its_fingerprint(trip):
    province, commune, tmp = trip
    first = outbox.export_package(commune, tmp / "usb")
    before_files = paths.commune_copies_dir(province.path).iterdir()
    [r] = upper_level.import_files(province, [first])
    assert r.status == "refused" and outbox.own_keys(commune).fingerprint in r.message
    assert f'upper trust 02191 --fingerprint "{outbox.own_keys(commune).fingerprint}"' in r.message
    assert list(before_files) == [] and sql(province, "SELECT count(*) FROM upper_package")[0][0] == 0
    with pytest.raises(Refused, match="không khớp"):
        upper_level.trust(province, "02191", "AAAA BBBB CCCC DDDD EEEE")
    with pytest.raises(Refused, match="Chưa nhận gói nào của xã 02194"):
        upper_level.trust(province, "02194", "AAAA BBBB CCCC DDDD EEEE")


def test_a_replaced_commune_key_needs_the_upper_levels_confirmation_again(trip):
    province, commune, tmp = trip
    upper_level.import_files(province, [trusted(province, commune, tmp / "usb")])
    new = outbox.replace_key(commune)
    second = outbox.export_package(commune, tmp / "usb")
    [r] = upper_level.import_files(province, [second])
    assert r.status == "refused" and "đã đổi khóa" in r.message and new.fingerprint in r.message
    upper_level.trust(province, "02191", new.fingerprint)
    assert upper_level.import_files(province, [second])[0].status == "accepted"


def test_receipts_and_setup_files_must_carry_the_right_signature(trip, tmp_path):
    province, commune, tmp = trip
    first = trusted(province, commune, tmp / "usb")
    [r] = upper_level.import_files(province, [first])
    other = Store.open(tmp_path / "khac.sqlite")
    upper_level.init(other, "UBND tỉnh khác", "province")
    fake = upper_level.receipt_for(other, r, {"name": "khác"}, upper_level.own_keys(other))
    with pytest.raises(PackageRefused, match="không do cấp trên đã thiết lập ký"):
        outbox.take_receipt(commune, fake, "gia.json")
    doc = json.loads(r.receipt)
    doc["document"]["status"] = "refused"
    with pytest.raises(PackageRefused, match="chữ ký của biên nhận không đúng"):
        outbox.take_receipt(commune, package.canonical(doc), "sua.json")
    setup = json.loads(upper_level.setup_document(province))
    setup["document"]["box_key"] = keys.b64(bytes(32))
    with pytest.raises(PackageRefused, match="tệp đã bị thay đổi"):
        outbox.setup_upper(commune, package.canonical(setup), "setup.json")
    other.close()


@given(st.text(alphabet=" -", max_size=6), st.booleans())
def test_a_fingerprint_is_taken_with_or_without_spaces_and_in_any_case(separator, lower):
    fp = keys.fingerprint(bytes(range(32)))
    typed = separator.join(fp.split(" "))
    assert keys.same_fingerprint(fp, typed.lower() if lower else typed)
    assert not keys.same_fingerprint(fp, fp[:-1] + ("A" if fp[-1] != "A" else "B"))


# --- HTTP --------------------------------------------------------------------------------------------


@pytest.fixture
def receiver(trip):
    province, commune, tmp = trip
    box = inbox.Inbox(province.path, "hộp thư")
    server = inbox.make_server(box, "127.0.0.1", 0)
    # A short poll: shutdown() waits for the loop to look, half a second by default.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", box
    server.shutdown()
    server.server_close()


def test_packages_travel_over_http_and_the_answer_is_the_receipt(trip, receiver):
    province, commune, tmp = trip
    address, box = receiver
    entry = outbox.make_package(commune)
    said = outbox.deliver_due(commune, address)
    assert "Cấp trên từ chối" not in said[0] and "từ chối" in said[0]  # not trusted yet
    assert commune.outbox.entries()[0].status == "refused"
    upper_level.trust(province, "02191", outbox.own_keys(commune).fingerprint)
    commune.outbox.retry_now(entry.sequence)  # the officer sends it again
    said = outbox.deliver_due(commune, address)
    assert said[0].startswith("Gói số 1: cấp trên đã nhận.")
    assert commune.outbox.entries()[0].status == "received"


def test_a_connection_that_drops_midway_leaves_nothing_and_the_package_goes_again(trip, receiver):
    province, commune, tmp = trip
    address, box = receiver
    upper_level.import_files(province, [trusted(province, commune, tmp / "usb")])
    entry = outbox.make_package(commune)
    raw = outbox.package_bytes(commune, entry.sequence)
    port = int(address.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(
            b"POST /goi HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
            + f"Content-Length: {len(raw)}\r\n\r\n".encode()
            + raw[: len(raw) // 2]
        )
    import time

    time.sleep(0.3)
    assert sql(province, "SELECT count(*) FROM upper_package WHERE sequence = 2")[0][0] == 0
    assert not [f for f in box.folder.iterdir() if "-0002-" in f.name]
    said = outbox.deliver_due(commune, address)  # package 1 (no receipt yet) goes again too: harmless
    assert said[-1].startswith("Gói số 2: cấp trên đã nhận.")
    assert said[0].startswith("Gói số 1: cấp trên đã nhận. gói này đã được nhập trước đây")
    assert sql(province, "SELECT count(*) FROM upper_package WHERE sequence = 2")[0][0] == 1


def test_no_connection_keeps_the_package_and_waits_longer_each_time(trip):
    province, commune, tmp = trip
    outbox.make_package(commune)
    dead = "http://127.0.0.1:9"
    first = outbox.deliver_due(commune, dead)
    assert "chưa gửi được" in first[0] and "30 giây" in first[0]
    assert outbox.deliver_due(commune, dead) == []  # not yet time to try again
    import datetime as dt

    later = dt.datetime.now().astimezone() + dt.timedelta(minutes=5)
    assert "60 giây" in outbox.deliver_due(commune, dead, later)[0]
    [entry] = commune.outbox.entries()
    assert entry.status == "waiting" and entry.attempts == 2
    assert outbox.package_bytes(commune, entry.sequence)


def test_a_merged_commune_records_its_former_units_apart(trip):
    province, commune, tmp = trip
    data = dataset.export_data(commune)
    data["commune"]["former_units"] = [
        {"code": "02188", "name": "Xã Thanh Tương", "district_name": "Na Hang", "until": "2025-06-30"}
    ]
    dataset.import_data(commune, data)
    upper_level.import_files(province, [trusted(province, commune, tmp / "usb")])
    rows = {c.code: c for c in upper_level.communes(province)}
    assert rows["02188"].merged_into == "02191" and rows["02188"].name == "Xã Thanh Tương"
    assert not (paths.commune_copies_dir(province.path) / "02188.sqlite").exists()  # nothing mixed into it
    assert [c.code for c, _ in upper_level.completeness(province, 2019)] == ["02191"]


def test_a_refused_package_is_marked_so_at_the_commune(trip):
    province, commune, tmp = trip
    first = outbox.export_package(commune, tmp / "usb")
    [r] = upper_level.import_files(province, [first], receipt_dir=tmp / "usb")
    told = outbox.take_receipt(commune, next((tmp / "usb").glob("*.bien-nhan.json")).read_bytes(), "bn.json")
    assert told.startswith("Gói số 1: cấp trên từ chối.") and "chưa được xác nhận" in told
    [entry] = commune.outbox.entries()
    assert entry.status == "refused" and outbox.package_bytes(commune, 1) == first.read_bytes()


def test_a_first_package_refused_for_its_content_leaves_no_commune_file(trip):
    province, commune, tmp = trip
    outbox.export_package(commune, tmp / "usb")
    upper_level.import_files(province, list((tmp / "usb").glob("*.tdgoi")))  # refused: not trusted yet
    upper_level.trust(province, "02191", outbox.own_keys(commune).fingerprint)
    data = dataset.export_data(commune)
    bad = package.canonical({**data, "meetings": [{**data["meetings"][0], "attendees": 1}]})
    file = tmp / "bad.tdgoi"
    file.write_bytes(
        _forge(commune, province, {"manifest.json": _manifest(commune, province, bad), "dataset.json": bad})
    )
    for dry_run in (True, False):
        [r] = upper_level.import_files(province, [file], dry_run=dry_run)
        assert r.status == "refused" and "có 1 lỗi" in r.message
        assert list(paths.commune_copies_dir(province.path).iterdir()) == []
