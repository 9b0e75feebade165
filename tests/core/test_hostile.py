"""Outside bytes are hostile: every parser of them is fuzzed with the invariant "refused in Vietnamese or
accepted, never another exception, and nothing written on refusal"."""

from __future__ import annotations

import io
import json
import threading
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.conftest import trusted
from tests.helpers import sql
from thidua_desktop import excel, safejson
from thidua_desktop.errors import Refused
from thidua_desktop.exchange import inbox, keys, outbox, package, upper_level
from thidua_desktop.register import dataset
from thidua_desktop.store import Store

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=25,
)


def _state(store: Store) -> tuple:
    """What a refused input may not change."""
    return tuple(
        sql(store, f"SELECT count(*) FROM {t}")[0][0]
        for t in ("household", "village", "meeting", "nomination", "outbox", "audit_log", "settings")
    )


# --- JSON from outside -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"[" * 5000 + b"]" * 5000, "lồng nhau quá sâu"),
        (b'{"a": ' * 40 + b"1" + b"}" * 40, "lồng nhau quá sâu"),
        (b"1" * 400, "vượt quá giới hạn"),
        (b"[1e300]", "vượt quá giới hạn"),
        (b"[9223372036854775808]", "vượt quá giới hạn"),
        (b"[NaN]", "không phải số"),
        (b'{"a": 1, "a": 2}', "ghi hai lần"),
        (b'["\\ud800"]', "nửa cặp UTF-16"),
        (b'["a\\u0000b"]', "NUL"),
        (b"\xff\xfe", "UTF-8"),
        (b'{"a": "' + b"x" * 200_000 + b'"}', "quá dài"),
    ],
)
def test_json_that_is_not_ours_is_refused_in_words(raw, words):
    with pytest.raises(safejson.JsonRefused) as refused:
        safejson.loads(raw, "tep.json")
    assert words in str(refused.value) and str(refused.value).startswith("tep.json: ")


def test_text_comes_back_nfc():
    assert safejson.loads('{"ten": "Nguye\u0302\u0303n"}'.encode(), "x") == {"ten": "Nguyễn"}


@FUZZ
@given(raw=st.binary(max_size=200))
def test_any_bytes_are_json_or_refused(raw):
    try:
        safejson.loads(raw, "x")
    except Refused:
        pass


# --- datasets -------------------------------------------------------------------------------------------


@FUZZ
@given(value=JSON)
def test_any_json_as_a_dataset_is_refused_with_nothing_written(filled_store, tmp_path, value):
    before = _state(filled_store)
    file = tmp_path / "x.json"
    file.write_text(json.dumps(value), encoding="utf-8")
    with pytest.raises(Refused):
        dataset.import_file(filled_store, file)
    assert _state(filled_store) == before


@FUZZ
@given(data=st.data())
def test_a_dataset_with_one_field_broken_is_refused_or_taken_never_a_crash(filled_store, data):
    exported = dataset.export_data(filled_store)
    section = data.draw(st.sampled_from(["households", "villages", "meetings"]))
    if not exported[section]:
        return
    record = data.draw(st.sampled_from(exported[section]))
    key = data.draw(st.sampled_from(sorted(record)))
    record[key] = data.draw(JSON)
    before = _state(filled_store)
    try:
        dataset.import_data(filled_store, exported)
    except Refused:
        assert _state(filled_store) == before


def test_a_name_with_a_nul_or_decomposed_text_is_refused_or_stored_nfc(filled_store, tmp_path):
    exported = dataset.export_data(filled_store)
    exported["meetings"][0]["place"] = "Nha\u0300 va\u0306n ho\u0301a"  # NFD, as some tools write
    file = tmp_path / "nfd.json"
    file.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    dataset.import_file(filled_store, file)
    assert filled_store.meetings.get(exported["meetings"][0]["id"])["place"] == "Nhà văn hóa"
    exported["villages"][0]["name"] = "Thôn\x00Nà"
    file.write_text(json.dumps(exported), encoding="utf-8")
    with pytest.raises(Refused, match="NUL"):
        dataset.import_file(filled_store, file)


# --- packages -------------------------------------------------------------------------------------------


@pytest.fixture
def sent(trip):
    """A trusted commune's first package, taken, and its second waiting on the stick."""
    province, commune, tmp = trip
    first = trusted(province, commune, tmp / "usb")
    assert upper_level.import_files(province, [first])[0].status == "accepted"
    return province, commune, outbox.export_package(commune, tmp / "usb2").read_bytes(), tmp


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_byte_changed_in_a_package_is_refused_with_nothing_written(sent, data):
    province, _, raw, tmp = sent
    where = data.draw(st.integers(0, len(raw) - 1))
    flipped = bytearray(raw)
    flipped[where] ^= data.draw(st.integers(1, 255))
    file = tmp / "sua.tdgoi"
    file.write_bytes(bytes(flipped))
    before = sql(province, "SELECT count(*) FROM upper_package")[0][0], len(province.upper_level.pending_keys())
    [result] = upper_level.import_files(province, [file])
    assert result.status == "refused"
    assert sql(province, "SELECT count(*) FROM upper_package")[0][0] == before[0]


@FUZZ
@given(junk=st.binary(max_size=300), header=st.booleans())
def test_junk_on_a_stick_is_refused(sent, junk, header):
    province, _, raw, tmp = sent
    file = tmp / "rac.tdgoi"
    file.write_bytes((raw[: raw.index(b"\n", len(package.MAGIC)) + 1] if header else b"") + junk)
    [result] = upper_level.import_files(province, [file])
    assert result.status == "refused" and result.message


def test_forged_packages_for_invented_communes_never_become_communes(sent):
    province, _, _, tmp = sent
    box = upper_level.own_keys(province).box_public
    from nacl.signing import SigningKey

    before = [c.code for c in upper_level.communes(province)]
    for n in range(20):
        forger = SigningKey.generate()
        data = {"commune": {"code": f"9{n:04d}", "name": "=HYPERLINK(\"http://x\")"}, "households": [],
                "villages": [], "meetings": []}  # fmt: skip
        raw = package.build(data, 1, None, forger, box)
        (tmp / f"gia-{n}.tdgoi").write_bytes(raw)
    results = upper_level.import_files(province, sorted(tmp.glob("gia-*.tdgoi")))
    assert all(r.status == "refused" for r in results)
    assert [c.code for c in upper_level.communes(province)] == before  # none of them listed
    assert len(province.upper_level.pending_keys()) == 20  # they wait for a phone call that never comes


def test_a_package_relabelled_as_another_commune_does_not_touch_that_communes_key(sent):
    province, commune, raw, tmp = sent
    code = "02191"
    trusted_before = province.upper_level.unit(code)["verify_key"]
    from nacl.signing import SigningKey

    data = dataset.export_data(commune)
    raw2 = package.build(data, 9, None, SigningKey.generate(), upper_level.own_keys(province).box_public)
    (tmp / "doi.tdgoi").write_bytes(raw2)
    [result] = upper_level.import_files(province, [tmp / "doi.tdgoi"])
    assert result.status == "refused" and "đã đổi khóa" in result.message
    assert province.upper_level.unit(code)["verify_key"] == trusted_before


def _zip_package(province: Store, commune: Store, members: dict[str, bytes], tamper=None) -> bytes:
    """A package signed with the commune's own (stolen) key around a ZIP made by hand."""
    signing = outbox.own_keys(commune).signing
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    body = tamper(buffer.getvalue()) if tamper else buffer.getvalue()
    box = upper_level.own_keys(province).box_public
    from nacl.public import PublicKey, SealedBox

    sealed = SealedBox(PublicKey(box)).encrypt(bytes(signing.verify_key) + bytes(signing.sign(body)))
    header = package.canonical(
        {
            "format": "thidua-package",
            "version": package.FORMAT_VERSION,
            "commune_code": "02191",
            "sequence": 5,
            "recipient": keys.fingerprint(box),
            "length": len(sealed),
        }  # fmt: skip
    )
    return package.MAGIC + header + b"\n" + sealed


def _wrong_crc(body: bytes) -> bytes:
    at = body.index(b"PK\x01\x02") + 16  # the central directory's CRC of the first member
    return body[:at] + bytes(4) + body[at + 4 :]


def _encrypted_flag(body: bytes) -> bytes:
    at = body.index(b"PK\x01\x02") + 8
    return body[:at] + b"\x01\x00" + body[at + 2 :]


def _method_99(body: bytes) -> bytes:
    at = body.index(b"PK\x01\x02") + 10
    return body[:at] + b"\x63\x00" + body[at + 2 :]


@pytest.mark.parametrize("tamper", [_wrong_crc, _encrypted_flag, _method_99])
def test_a_stolen_key_with_a_crafted_zip_is_refused(sent, tamper):
    province, commune, _, tmp = sent
    members = {"manifest.json": b"{}", "dataset.json": b"{}"}
    file = tmp / "zip.tdgoi"
    file.write_bytes(_zip_package(province, commune, members, tamper))
    [result] = upper_level.import_files(province, [file])
    assert result.status == "refused" and "lỗi không mong muốn" not in result.message


@pytest.mark.parametrize(
    "manifest",
    [b"[]", b'{"sender_key": 5}', b"[" * 3000 + b"]" * 3000, b'{"commune_code": "02191", "sequence": 1e400}'],
)
def test_a_stolen_key_with_a_crafted_manifest_is_refused(sent, manifest):
    province, commune, _, tmp = sent
    file = tmp / "manifest.tdgoi"
    file.write_bytes(_zip_package(province, commune, {"manifest.json": manifest, "dataset.json": b"{}"}))
    [result] = upper_level.import_files(province, [file])
    assert result.status == "refused" and "lỗi không mong muốn" not in result.message


# --- receipts and setup files ----------------------------------------------------------------------------


@FUZZ
@given(document=JSON)
def test_any_signed_json_as_a_receipt_is_refused_or_applied_never_a_crash(sent, document):
    province, commune, _, _ = sent
    doc = document if isinstance(document, dict) else {"x": document}
    raw = package.sign_document({**doc, "format": "thidua-receipt"}, upper_level.own_keys(province).signing)
    before = _state(commune)
    try:
        outbox.take_receipt(commune, raw, "bien-nhan.json")
    except Refused:
        assert _state(commune) == before


@FUZZ
@given(document=JSON)
def test_any_signed_json_as_a_setup_file_is_refused_or_taken_never_a_crash(store, document, data_dir):
    store.register.save_commune(
        {"code": "02191", "name": "Xã Thử", "province_code": "08", "province_name": "Tuyên Quang", "area": "rural"}
    )
    from nacl.signing import SigningKey

    signing = SigningKey.generate()
    doc = document if isinstance(document, dict) else {"x": document}
    raw = package.sign_document({**doc, "format": "thidua-upper-setup"}, signing)
    before = _state(store)
    try:
        outbox.setup_upper(store, raw, "setup.json")
    except Refused:
        assert _state(store) == before
    assert not any(p.suffix == ".json" for p in data_dir.parent.glob("*.json"))  # nothing written outside


def test_a_criteria_set_named_like_a_path_is_refused(store, data_dir, tmp_path):
    store.register.save_commune(
        {"code": "02191", "name": "Xã Thử", "province_code": "08", "province_name": "Tuyên Quang", "area": "rural"}
    )
    province = Store.open(tmp_path / "tinh" / "tinh.sqlite")
    try:
        upper_level.init(province, "UBND tỉnh", "province")
        from thidua_desktop.evaluation import criteria

        raw = json.loads(criteria.available()["tuyen-quang-2016-2020"].read_text(encoding="utf-8"))
        raw["name"] = "../../../x"
        setup = upper_level.setup_document(province, raw)
    finally:
        province.close()
    with pytest.raises(Refused, match="tên bộ tiêu chí"):
        outbox.setup_upper(store, setup, "setup.json")
    assert not list(tmp_path.rglob("x.json"))


def test_a_setup_file_of_another_level_above_needs_replace(trip, tmp_path):
    province, commune, tmp = trip
    other = Store.open(tmp_path / "khac" / "khac.sqlite")
    try:
        setup = upper_level.init(other, "UBND tỉnh khác", "province")
    finally:
        other.close()
    before = outbox.upper_of(commune)
    with pytest.raises(Refused, match="--replace") as refused:
        outbox.setup_upper(commune, setup, "khac.json")
    assert before.fingerprint in str(refused.value)
    assert outbox.upper_of(commune) == before
    assert outbox.setup_upper(commune, setup, "khac.json", replace=True).name == "UBND tỉnh khác"


# --- sheets --------------------------------------------------------------------------------------------


def _sheet(tmp_path: Path, sheet_xml: bytes, name: str = "x.xlsx") -> Path:
    template = tmp_path / "mau.xlsx"
    excel.write_template(template)
    out = tmp_path / name
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else src.read(info))
    return out


@pytest.mark.parametrize(
    "sheet_xml",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><worksheet>&c;</worksheet>',
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><worksheet>&e;</worksheet>',
        b"<worksheet><sheetData><row><c",
        b"\x00\x01 not xml",
    ],
)
def test_crafted_or_broken_sheets_are_refused_naming_the_file(filled_store, tmp_path, sheet_xml):
    before = _state(filled_store)
    with pytest.raises(Refused, match="x.xlsx"):
        excel.import_file(filled_store, _sheet(tmp_path, sheet_xml))
    assert _state(filled_store) == before


def test_a_sheet_that_inflates_far_beyond_its_size_is_refused_before_reading(filled_store, tmp_path):
    bomb = b"<worksheet><sheetData>" + b"<row/>" * 5_000_000 + b"</sheetData></worksheet>"  # 30 MB -> 30 kB
    with pytest.raises(Refused, match="lớn bất thường"):
        excel.import_file(filled_store, _sheet(tmp_path, bomb))


def test_a_row_with_an_unknown_id_like_another_household_is_refused_not_merged(filled_store, tmp_path):
    sheet = tmp_path / "ds.xlsx"
    excel.export_store(filled_store, sheet)
    from openpyxl import load_workbook

    wb = load_workbook(sheet)
    ws = wb.worksheets[0]
    id_col = [c.value for c in ws[1]].index("Mã định danh (không sửa)") + 1
    ws.cell(row=2, column=id_col).value = "00000000-0000-4000-8000-000000000000"
    wb.save(sheet)
    before = _state(filled_store)
    with pytest.raises(Refused, match="không có trong chương trình, nhưng dòng này trùng"):
        excel.import_file(filled_store, sheet)
    assert _state(filled_store) == before


# --- the HTTP inbox -----------------------------------------------------------------------------------------


@pytest.fixture
def receiver(sent):
    province, commune, raw, tmp = sent
    box = inbox.Inbox(province.path, "Cán bộ tỉnh")
    server = inbox.make_server(box, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", box, raw
    server.shutdown()
    server.server_close()


def _post(address: str, body: bytes, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(address + "/goi", data=body, method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_the_inbox_answers_every_request_and_keeps_only_what_it_took(receiver):
    address, box, raw = receiver
    assert _post(address, b"rac" * 100)[0] == 422
    code, said = _post(address, raw, {"X-Thidua-Sha256": "0" * 64})
    assert code == 400 and "Mã băm" in said
    huge = package.MAX_PACKAGE_BYTES + 1
    request = urllib.request.Request(address + "/goi", data=b"x", method="POST", headers={"Content-Length": str(huge)})
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=30)
    assert answer.value.code == 413
    assert [p.name for p in box.folder.iterdir()] == []  # refused bodies are gone
    code, said = _post(address, raw)
    assert code == 200 and json.loads(said)["document"]["status"] == "accepted"
    assert len(list(box.folder.iterdir())) == 1


def test_parallel_posts_all_get_their_answer(receiver):
    address, box, raw = receiver
    answers: list[int] = []

    def post():
        answers.append(_post(address, raw)[0])

    threads = [threading.Thread(target=post) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(answers) == 12 and set(answers) <= {200, 503}
    assert answers.count(200) >= 1
    assert not list(box.folder.glob(".nhan-*"))  # no half-received body left behind


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(["package_sha256", "status", "issued_at", "message", "decisions"]), JSON))
def test_a_signed_receipt_with_odd_fields_is_refused_or_applied_never_a_crash(sent, fields):
    province, commune, _, _ = sent
    entry = commune.outbox.entries()[0]
    doc = {"format": "thidua-receipt", "package_sha256": entry.sha256, "status": "accepted", "message": "",
           "issued_at": "2030-01-01T00:00:00Z", "decisions": [], "commune_code": "02191", **fields}  # fmt: skip
    raw = package.sign_document(doc, upper_level.own_keys(province).signing)
    before = _state(commune)
    try:
        outbox.take_receipt(commune, raw, "bien-nhan.json")
    except Refused:
        assert _state(commune) == before


def test_an_older_receipt_never_undoes_a_newer_decision(sent):
    province, commune, _, tmp = sent
    nomination = commune.nominations.find()[0]
    doc = {"format": "thidua-receipt", "package_sha256": commune.outbox.entries()[-1].sha256, "status": "accepted",
           "message": "", "decisions": [], "commune_code": "02191"}  # fmt: skip
    newer = {**doc, "issued_at": "2030-02-01T00:00:00Z",
             "decisions": [{"nomination_id": nomination["id"], "status": "decided", "decision_number": "12/QĐ",
                            "decision_date": "2030-01-20"}]}  # fmt: skip
    older = {**doc, "issued_at": "2030-01-01T00:00:00Z",
             "decisions": [{"nomination_id": nomination["id"], "status": "returned", "comment": "Bổ sung"}]}  # fmt: skip
    signing = upper_level.own_keys(province).signing
    outbox.take_receipt(commune, package.sign_document(newer, signing), "moi.json")
    settings_after = commune.read_setting("last_receipt_at")
    outbox.take_receipt(commune, package.sign_document(older, signing), "cu.json")
    assert commune.read_setting("last_receipt_at") == settings_after == "2030-02-01T00:00:00Z"
    after = next(n for n in commune.nominations.find() if n["id"] == nomination["id"])
    assert after["status"] == "decided" and after["decision_number"] == "12/QĐ"


@pytest.mark.parametrize(
    ("where", "value", "words"),
    [
        (("households", 0, "years", 0, "income_per_capita"), 10**14, "thu nhập bình quân"),
        (("meetings", 0, "attendees"), 10**9, "số người dự họp"),
        (("commune", "district_name"), "Huyện " * 100, "tên huyện dài quá"),
    ],
)
def test_numbers_and_names_past_any_real_one_are_refused(filled_store, where, value, words):
    exported = dataset.export_data(filled_store)
    target = exported
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    before = _state(filled_store)
    with pytest.raises(Refused, match=words):
        dataset.import_data(filled_store, exported)
    assert _state(filled_store) == before


@pytest.mark.slow
def test_the_inbox_stays_small_while_large_bodies_arrive_at_once(sent, tmp_path):
    """Four bodies just under the cap, and four declared far over it, posted at once to `serve-inbox`
    in its own process: every one answered, and the receiver's peak memory stays under 300 MB."""
    import os
    import socket
    import subprocess
    import sys
    import time

    province, _, _, _ = sent
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = Path(__file__).resolve().parents[2]
    server = subprocess.Popen(
        [
            sys.executable,
            str(root / "main.py"),
            "--db",
            str(province.path),
            "upper",
            "serve-inbox",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "THIDUA_DATA_DIR": str(tmp_path / "data")},
    )
    try:
        assert "đang nhận gói" in server.stdout.readline()
        address = f"http://127.0.0.1:{port}"
        size = package.MAX_PACKAGE_BYTES - 1024
        answers: list[int] = []

        def big():
            answers.append(_post(address, os.urandom(1024) * (size // 1024))[0])

        def huge():
            with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                s.sendall(f"POST /goi HTTP/1.1\r\nHost: x\r\nContent-Length: {150 * 1024 * 1024}\r\n\r\n".encode())
                answers.append(int(s.recv(100).split()[1]))

        threads = [threading.Thread(target=f) for f in (big, huge) * 4]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert sorted(answers) == [413] * 4 + [422] * 4
        with open(f"/proc/{server.pid}/status", encoding="ascii") as fh:
            peak_kb = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
        assert peak_kb < 300 * 1024, f"peak {peak_kb / 1024:.0f} MB"
        time.sleep(0.1)
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_formulas_never_land_in_a_workbook(tmp_path):
    from openpyxl import Workbook, load_workbook

    from thidua_desktop.excel.xlsx_stream import save_workbook

    wb = Workbook()
    wb.active.append(['=HYPERLINK("http://x","bấm")', "+1+1", "@SUM(A1)", "Xã Hồng Thái"])
    save_workbook(wb, tmp_path / "x.xlsx")
    cells = next(load_workbook(tmp_path / "x.xlsx").active.iter_rows())
    assert [c.data_type for c in cells] == ["s"] * 4 and cells[0].value.startswith("=HYPERLINK")


def test_meeting_times_must_be_times(filled_store):
    meeting = filled_store.meetings.find()[0]
    for start, end, words in (("7h30", None, "không hợp lệ"), ("19:30", "19:00", "phải sau giờ bắt đầu")):
        with pytest.raises(Refused, match=words):
            from thidua_desktop.evaluation import votes

            votes.save_meeting(filled_store, {**meeting, "start_time": start, "end_time": end})


def test_two_imports_at_once_never_store_one_cccd_twice(filled_store):
    """Each import checks the CCCDs again once it holds the write lock: of two files giving one CCCD to two
    new heads, at most one is taken, however they interleave."""
    from thidua_desktop.store import new_id

    base = dataset.export_data(filled_store)
    village = base["villages"][0]["id"]
    files = []
    for name in ("Lò Văn Một", "Lò Văn Hai"):
        data = {**base, "households": [{"id": new_id(), "village_id": village, "members": 3, "years": [], "loans": [],
                "head": {"name": name, "gender": "male", "birth_year": 1970, "id_number": "008070999999"}}],
                "meetings": [], "nominations": []}  # fmt: skip
        files.append(data)
    stores = [Store.open(filled_store.path, actor=f"Cán bộ {i}") for i in range(2)]
    outcomes: list[str] = []

    def run(store, data):
        try:
            dataset.import_data(store, data)
            outcomes.append("taken")
        except Refused as refusal:
            outcomes.append("refused" if "CCCD" in str(refusal) else str(refusal))

    threads = [threading.Thread(target=run, args=pair) for pair in zip(stores, files)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for s in stores:
        s.close()
    assert sorted(outcomes) == ["refused", "taken"]
    assert sql(filled_store, "SELECT count(*) FROM household WHERE head_id_number = '008070999999'")[0][0] == 1
