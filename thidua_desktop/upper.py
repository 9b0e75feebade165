"""The level above (a district before 1/7/2025, a province since): the same program in upper-level mode.

The upper-level file holds the communes it knows (their confirmed keys, the packages taken, the
decisions on their nominations); each commune's data lives in its own commune file in a folder beside
it, so two communes' records are never mixed and a commune's file is the very format the commune has.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import dataset, evaluator, keys, package
from .criteria import CriteriaSet
from .keys import b64, fingerprint, same_fingerprint
from .package import PackageRefused, UntrustedCommune
from .store import Store, StoreError, now_iso

ROLE = "cap-tren"
LEVEL_LABELS = {"district": "Huyện", "province": "Tỉnh"}
Progress = Callable[[int, str], None]


def _upper_only(store: Store) -> dict:
    if not store.is_upper_level():
        raise StoreError(f"Tệp {store.path} không phải tệp của cấp trên. Tạo bằng lệnh 'upper init'.")
    return json.loads(store.setting("upper_self"))


def own_keys(store: Store) -> keys.KeyPair:
    pair = keys.load(store.path, ROLE)
    if pair is None:
        raise StoreError(f"Không tìm thấy khóa của cấp trên ({keys.key_path(store.path, ROLE)}). Hãy khôi phục thư "
                         "mục keys từ bản sao lưu.")
    return pair


def init(store: Store, name: str, level: str, address: str | None = None) -> bytes:
    """Make this (new) file the upper level's, with its own keys; returns the setup file for communes."""
    if store.is_upper_level():
        raise StoreError(f"Tệp {store.path} đã là tệp của cấp trên.")
    if store.commune() is not None:
        raise StoreError(f"Tệp {store.path} đang chứa dữ liệu của một xã; hãy dùng một tệp mới cho cấp trên.")
    keys.create(store.path, ROLE, with_box=True)
    with store.transaction() as c:
        store.write_setting(c, "mode", "upper")
        store.write_setting(c, "upper_self", json.dumps({"name": name, "level": level, "address": address},
                                                        ensure_ascii=False))
    return setup_document(store)


def setup_document(store: Store, criteria_raw: dict | None = None) -> bytes:
    """The setup file the level above hands to its communes (by USB or e-mail)."""
    me = _upper_only(store)
    pair = own_keys(store)
    doc = {"format": "thidua-upper-setup", "version": 1, "name": me["name"], "level": me["level"],
           "address": me.get("address"), "signing_key": b64(pair.verify_key), "box_key": b64(pair.box_public),
           "criteria_set": criteria_raw, "issued_at": now_iso()}
    return package.sign_document(doc, pair.signing)


def communes_dir(store: Store) -> Path:
    folder = store.path.resolve().parent / f"{store.path.stem}-du-lieu-xa"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def commune_path(store: Store, code: str) -> Path:
    return communes_dir(store) / f"{code}.sqlite"


def commune_store(store: Store, code: str) -> Store:
    return Store.open(commune_path(store, code), actor=store.actor)


# --- trust --------------------------------------------------------------------------------------------

def trust(store: Store, code: str, typed: str) -> str:
    """Confirm a commune's key by the fingerprint read over the phone."""
    _upper_only(store)
    row = store.conn.execute("SELECT name, seen_key, seen_fingerprint FROM upper_unit WHERE code = ?", (code,)).fetchone()
    if row is None or row["seen_key"] is None:
        raise StoreError(f"Chưa nhận gói nào của xã {code}, nên chưa có khóa để xác nhận. Hãy nhập gói đầu tiên "
                         "của xã trước (gói sẽ bị từ chối và in ra mã nhận diện), rồi xác nhận.")
    if not same_fingerprint(row["seen_fingerprint"], typed):
        raise StoreError(f"Mã nhận diện {typed} không khớp với khóa trong gói của xã {code} "
                         f"({row['seen_fingerprint']}). Không xác nhận: hãy gọi lại cho xã để đọc đối chiếu.")
    with store.transaction() as c:
        c.execute("UPDATE upper_unit SET verify_key = seen_key, fingerprint = seen_fingerprint, trusted_at = ?, "
                  "trusted_by = ? WHERE code = ?", (now_iso(), store.actor, code))
    return f"Đã xác nhận khóa của xã {code} {row['name'] or ''} (mã nhận diện {row['seen_fingerprint']})."


def _seen(store: Store, refusal: UntrustedCommune) -> None:
    """Remember the key an untrusted package carried, so that `trust` can confirm it by fingerprint."""
    with store.transaction() as c:
        c.execute("INSERT INTO upper_unit (code, name, seen_key, seen_fingerprint, seen_at) VALUES (?, ?, ?, ?, ?) "
                  "ON CONFLICT (code) DO UPDATE SET seen_key = excluded.seen_key, "
                  "seen_fingerprint = excluded.seen_fingerprint, seen_at = excluded.seen_at, "
                  "name = coalesce(upper_unit.name, excluded.name)",
                  (refusal.code, refusal.name, refusal.key, refusal.fingerprint, now_iso()))


# --- import ---------------------------------------------------------------------------------------------

@dataclass
class PackageResult:
    name: str
    status: str                      # accepted / duplicate / refused / checked (dry run)
    message: str
    commune_code: str | None = None
    commune_name: str | None = None
    sequence: int | None = None
    sha256: str | None = None
    households: int = 0
    added: int = 0
    changed: int = 0
    notes: list[str] = field(default_factory=list)
    receipt: bytes | None = None

    def line(self) -> str:
        head = {"accepted": "ĐÃ NHẬP", "duplicate": "ĐÃ CÓ", "refused": "TỪ CHỐI", "checked": "KIỂM TRA"}[self.status]
        extra = "".join(f"\n    - {n}" for n in self.notes)
        return f"[{head}] {self.name}: {self.message}{extra}"


def _normal(value):
    """A household as compared for 'changed': absent, null and empty mean the same."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def _household_hashes(households: Iterable[dict]) -> dict[str, str]:
    return {h["id"]: package.sha256(package.canonical(_normal(h))) for h in households}


def import_bytes(store: Store, raw: bytes, name: str, dry_run: bool = False) -> PackageResult:
    """Check one package whole; unless a dry run, store it and write its receipt into the result."""
    me = _upper_only(store)
    pair = own_keys(store)
    try:
        header, _ = package.read_header(raw, name)
        unit = store.conn.execute("SELECT * FROM upper_unit WHERE code = ?", (header.commune_code,)).fetchone()
        digest = package.sha256(raw)
        if store.conn.execute("SELECT 1 FROM upper_package WHERE sha256 = ?", (digest,)).fetchone():
            result = PackageResult(name, "duplicate", "gói này đã được nhập trước đây; không có gì thay đổi.",
                                   header.commune_code, unit["name"] if unit else None, header.sequence, digest)
            return _with_receipt(store, result, me, pair, dry_run)
        trusted = unit["verify_key"] if unit else None
        try:
            opened = package.open_package(raw, name, pair.box, trusted)
        except UntrustedCommune as refusal:
            _seen(store, refusal)  # even on a dry run: the key is needed to confirm it by phone
            raise
        return _import_opened(store, opened, name, me, pair, dry_run)
    except PackageRefused as exc:
        result = PackageResult(name, "refused", str(exc))
        try:
            h, _ = package.read_header(raw, name)
            result.commune_code, result.sequence, result.sha256 = h.commune_code, h.sequence, package.sha256(raw)
        except PackageRefused:
            pass
        return _with_receipt(store, result, me, pair, dry_run)


def _import_opened(store: Store, opened: package.Opened, name: str, me: dict, pair: keys.KeyPair,
                   dry_run: bool) -> PackageResult:
    m, data, code, seq = opened.manifest, opened.dataset, opened.header.commune_code, opened.header.sequence
    result = PackageResult(name, "checked", "", code, m.get("commune_name"), seq, opened.sha256)
    if not isinstance(data, dict) or (data.get("commune") or {}).get("code") != code:
        raise PackageRefused(f"{name}: dữ liệu trong gói là của xã khác với xã gửi gói ({code}).")
    unit = store.conn.execute("SELECT * FROM upper_unit WHERE code = ?", (code,)).fetchone()
    last = unit["last_sequence"] if unit else None
    if last is not None and seq <= last:
        raise PackageRefused(f"{name}: gói số {seq} cũ hơn gói số {last} đã nhập của xã {code}; dữ liệu mới hơn "
                             "đã có. Không nhập.")
    if last is not None and seq > last + 1:
        missing = str(last + 1) if seq == last + 2 else f"{last + 1} đến {seq - 1}"
        result.notes.append(f"Thiếu gói số {missing} của xã (không mất dữ liệu: mỗi gói chứa toàn bộ dữ liệu của xã).")
    if last is not None and seq == last + 1 and m.get("previous_sha256") != unit["last_sha256"]:
        result.notes.append("Gói này không nối tiếp gói đã nhập trước (xã có thể đã khôi phục dữ liệu từ bản sao "
                            "lưu); hãy hỏi lại xã.")
    path = commune_path(store, code)
    fresh = not path.exists()
    # A commune seen for the first time: a dry run checks against an empty store in memory, and a
    # refused first package leaves no file behind.
    target = Store.open(":memory:" if fresh and dry_run else path, actor=store.actor)
    ok = False
    try:
        households = data.get("households") if isinstance(data.get("households"), list) else []
        incoming = {h["id"] for h in households if isinstance(h, dict) and "id" in h}
        existing = {r[0] for r in target.query("SELECT id FROM household")}
        result.households, result.added = len(incoming), len(incoming - existing)
        if dry_run:
            problems = dataset.check(data, target)
            if problems:
                raise dataset.DatasetRefused(name, problems)
        if existing & incoming:  # only households seen before can have changed
            before = _household_hashes(h for h in target.iter_households() if h["id"] in incoming)
            after = _household_hashes(h for h in data["households"] if h["id"] in existing)
            result.changed = sum(1 for hid, digest in after.items() if before.get(hid) != digest)
        if dry_run:
            result.message = f"xã {code} {result.commune_name}: {result.households} hộ, {result.added} hộ mới, " \
                             f"{result.changed} hộ thay đổi. Chưa ghi (chạy thử)."
            return result
        dataset.import_data(target, data, name)   # checks the whole dataset first, writes all or nothing
        ok = True
    except dataset.DatasetRefused as exc:
        problems = exc.problems
        listed = "; ".join(f"{p.path}: {p.message}" for p in problems[:10])
        more = f" (và {len(problems) - 10} lỗi khác)" if len(problems) > 10 else ""
        raise PackageRefused(f"{name}: dữ liệu của xã {code} có {len(problems)} lỗi: {listed}{more}. Không nhập; "
                             "xã cần sửa rồi gửi gói mới.") from None
    finally:
        target.close()
        if fresh and not dry_run and not ok:
            path.unlink(missing_ok=True)
    merged = [(u["code"], u["name"]) for u in data["commune"].get("former_units") or ()]
    with store.transaction() as c:
        c.execute("INSERT INTO upper_unit (code, name) VALUES (?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name",
                  (code, data["commune"]["name"]))
        c.execute("UPDATE upper_unit SET last_sequence = ?, last_sha256 = ?, last_package_at = ? WHERE code = ?",
                  (seq, opened.sha256, m.get("created_at"), code))
        c.execute("INSERT INTO upper_package (sha256, commune_code, sequence, previous_sha256, created_at, imported_at, "
                  "file_name, manifest, added, changed, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (opened.sha256, code, seq, m.get("previous_sha256"), m.get("created_at"), now_iso(), name,
                   json.dumps(m, ensure_ascii=False), result.added, result.changed, "\n".join(result.notes) or None))
        for old_code, old_name in merged:
            c.execute("INSERT INTO upper_unit (code, name, merged_into) VALUES (?, ?, ?) "
                      "ON CONFLICT (code) DO UPDATE SET merged_into = excluded.merged_into", (old_code, old_name, code))
    result.status = "accepted"
    result.message = (f"xã {code} {result.commune_name}, gói số {seq}: {result.households} hộ, {result.added} hộ mới, "
                      f"{result.changed} hộ thay đổi.")
    return _with_receipt(store, result, me, pair, False)


def _with_receipt(store: Store, result: PackageResult, me: dict, pair: keys.KeyPair, dry_run: bool) -> PackageResult:
    if dry_run or result.sha256 is None:
        return result
    result.receipt = receipt_for(store, result, me, pair)
    return result


def receipt_for(store: Store, result: PackageResult, me: dict, pair: keys.KeyPair) -> bytes:
    decisions = [dict(r) for r in store.query(
        "SELECT nomination_id, status, decision_number, decision_date, comment, decided_at FROM upper_decision "
        "WHERE commune_code = ? ORDER BY decided_at", (result.commune_code,))] if result.commune_code else []
    doc = {"format": "thidua-receipt", "version": 1, "package_sha256": result.sha256, "file_name": result.name,
           "commune_code": result.commune_code, "sequence": result.sequence, "status": result.status,
           "message": result.message, "notes": result.notes, "households": result.households,
           "added": result.added, "changed": result.changed, "decisions": decisions,
           "upper_name": me["name"], "issued_at": now_iso()}
    return package.sign_document(doc, pair.signing)


def import_files(store: Store, files: Iterable[Path], dry_run: bool = False, receipt_dir: Path | None = None,
                 progress: Progress | None = None, workers: int | None = None) -> list[PackageResult]:
    """Import packages, each commune's oldest first whatever order they come in. Communes are
    independent (each has its own file), so several are imported side by side on a multi-core PC."""
    groups: dict[str, list[tuple[int, Path]]] = {}
    for f in (Path(f) for f in files):
        try:
            h = package.peek(f)
        except OSError:
            h = None
        key = h.commune_code if h else f"?{f.name}"
        groups.setdefault(key, []).append((h.sequence if h else 0, f))
    batches = [[str(f) for _, f in sorted(g)] for _, g in sorted(groups.items())]
    workers = min(workers or os.cpu_count() or 1, 4, len(batches))
    results: list[PackageResult] = []
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            futures = [pool.submit(_import_batch, str(store.path), store.actor, batch, dry_run) for batch in batches]
            for done, future in enumerate(as_completed(futures), 1):
                results += future.result()
                if progress:
                    progress(int(100 * done / len(futures)), f"Đã xử lý {len(results)} gói…")
    else:
        for done, batch in enumerate(batches, 1):
            results += [_import_file(store, Path(f), dry_run) for f in batch]
            if progress:
                progress(int(100 * done / len(batches)), f"Đã xử lý {len(results)} gói…")
    results.sort(key=lambda r: (r.commune_code or "", r.sequence or 0, r.name))
    for result in results:
        if receipt_dir and result.receipt:
            receipt_dir.mkdir(parents=True, exist_ok=True)
            dataset.write_bytes_atomic(receipt_dir / f"{Path(result.name).stem}.bien-nhan.json", result.receipt)
    return results


def _import_batch(db_path: str, actor: str, batch: list[str], dry_run: bool) -> list[PackageResult]:
    """One commune's packages, in a worker process with its own connections."""
    store = Store.open(db_path, actor=actor)
    try:
        return [_import_file(store, Path(f), dry_run) for f in batch]
    finally:
        store.close()


def _import_file(store: Store, f: Path, dry_run: bool) -> PackageResult:
    try:
        size = f.stat().st_size
        if size > package.MAX_PACKAGE_BYTES:
            return PackageResult(f.name, "refused", f"{f.name}: gói quá lớn ({size / 1e6:.0f} MB, tối đa "
                                                    f"{package.MAX_PACKAGE_BYTES / 1e6:.0f} MB). Không nhận.")
        return import_bytes(store, f.read_bytes(), f.name, dry_run)
    except OSError as exc:
        return PackageResult(f.name, "refused", f"{f.name}: không đọc được tệp ({exc.strerror}).")


# --- decisions on nominations -------------------------------------------------------------------------

def decide(store: Store, code: str, nomination_id: str, status: str, number: str | None = None,
           date: str | None = None, comment: str | None = None) -> None:
    """Approve (decided, with the decision's number and date) or return (with a comment) a nomination;
    the decision travels back to the commune in its next receipt."""
    _upper_only(store)
    if status == "decided" and not (number and date):
        raise StoreError("Quyết định khen thưởng cần số và ngày quyết định.")
    if status == "returned" and not (comment or "").strip():
        raise StoreError("Trả lại hồ sơ cần ghi ý kiến cho xã.")
    with store.transaction() as c:
        c.execute("INSERT INTO upper_decision (commune_code, nomination_id, status, decision_number, decision_date, "
                  "comment, decided_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (commune_code, nomination_id) "
                  "DO UPDATE SET status = excluded.status, decision_number = excluded.decision_number, "
                  "decision_date = excluded.decision_date, comment = excluded.comment, decided_at = excluded.decided_at, "
                  "actor = excluded.actor",
                  (code, nomination_id, status, number, date, comment, now_iso(), store.actor))


def fresh_receipt(store: Store, code: str) -> bytes:
    """A new receipt for the commune's last package, carrying every decision made since."""
    row = store.conn.execute("SELECT sha256 FROM upper_package WHERE commune_code = ? ORDER BY sequence DESC LIMIT 1",
                             (code,)).fetchone()
    if row is None:
        raise StoreError(f"Chưa nhập gói nào của xã {code}.")
    return receipt_again(store, row[0])


def receipt_again(store: Store, digest: str) -> bytes | None:
    """The receipt of an imported package, written again with every decision made since (None: unknown)."""
    me = _upper_only(store)
    row = store.conn.execute("SELECT * FROM upper_package WHERE sha256 = ?", (digest,)).fetchone()
    if row is None:
        return None
    result = PackageResult(row["file_name"], "accepted", f"Biên nhận bổ sung cho gói số {row['sequence']}.",
                           row["commune_code"], None, row["sequence"], digest)
    return receipt_for(store, result, me, own_keys(store))


# --- views ----------------------------------------------------------------------------------------------

@dataclass
class CommuneRow:
    code: str
    name: str
    trusted: bool
    fingerprint: str | None
    merged_into: str | None
    last_sequence: int | None
    last_package_at: str | None
    years: list[int]


def communes(store: Store) -> list[CommuneRow]:
    _upper_only(store)
    out = []
    # The years with records, as the last package imported says (no commune file needs opening).
    years_of = {r[0]: json.loads(r[1] or "[]") for r in store.query(
        "SELECT commune_code, json_extract(manifest, '$.years') FROM upper_package p WHERE sequence = "
        "(SELECT max(sequence) FROM upper_package q WHERE q.commune_code = p.commune_code)")}
    for u in store.query("SELECT * FROM upper_unit ORDER BY coalesce(merged_into, code), code"):
        years = years_of.get(u["code"], [])
        out.append(CommuneRow(u["code"], u["name"] or "", u["verify_key"] is not None,
                              u["fingerprint"] or u["seen_fingerprint"], u["merged_into"], u["last_sequence"],
                              u["last_package_at"], years))
    return out


COMPLETENESS_LABELS = {"sent": "Đã gửi", "late": "Gửi muộn", "missing": "Chưa gửi", "untrusted": "Chưa xác nhận khóa"}


def completeness(store: Store, year: int, deadline: _dt.date | None = None) -> list[tuple[CommuneRow, str]]:
    """Which communes have sent year Y's data, which sent it late (after `deadline`, by default 15
    January of the next year) and which have not."""
    deadline = deadline or _dt.date(year + 1, 1, 15)
    out = []
    for row in communes(store):
        if row.merged_into:
            continue
        if not row.trusted:
            out.append((row, "untrusted"))
        elif year not in row.years:
            out.append((row, "missing"))
        else:
            first = store.conn.execute(
                "SELECT min(created_at) FROM upper_package WHERE commune_code = ? AND "
                "EXISTS (SELECT 1 FROM json_each(json_extract(manifest, '$.years')) WHERE value = ?)",
                (row.code, year)).fetchone()[0] or row.last_package_at
            late = first is not None and _dt.date.fromisoformat(first[:10]) > deadline
            out.append((row, "late" if late else "sent"))
    return out


@dataclass
class Overview:
    """The level above's year: each commune judged again, the rates, and the group's own criteria."""
    year: int
    rows: list[dict]            # per commune: code, name, households, rates by year, verdict, eligible, own, differs
    totals: dict[str, float | None]
    group: dict


def overview(store: Store, year: int, chosen: CriteriaSet, progress: Progress | None = None) -> Overview:
    group_ = evaluator.GroupOfCommunes()
    rows = []
    listed = [c for c in communes(store) if c.years]
    for i, c in enumerate(listed):
        if progress:
            progress(int(100 * i / max(len(listed), 1)), f"Đang đánh giá xã {c.name}…")
        s = commune_store(store, c.code)
        try:
            data = dataset.export_data(s)
        finally:
            s.close()
        report = evaluator.evaluate(data, year, chosen, group_)
        eligible = sum(1 for h in report["households"] if h["verdict"] == "eligible")
        own = _own_evaluation(store, c.code, year)
        differs = own is not None and (own.get("commune_verdict") != report["commune"]["verdict"]
                                       or own.get("eligible") != eligible)
        rows.append({"code": c.code, "name": c.name, "households": len(report["households"]),
                     "poverty_rates": report["commune"]["poverty_rates"],
                     "near_poor_rates": report["commune"]["near_poor_rates"],
                     "verdict": report["commune"]["verdict"], "eligible": eligible, "own": own, "differs": differs})
    judged = group_.evaluate(year, chosen)
    return Overview(year, rows, judged["poverty_rates"], judged)


def _own_evaluation(store: Store, code: str, year: int) -> dict | None:
    row = store.conn.execute("SELECT manifest FROM upper_package WHERE commune_code = ? ORDER BY sequence DESC LIMIT 1",
                             (code,)).fetchone()
    if row is None:
        return None
    for e in json.loads(row[0]).get("evaluations") or ():
        if e.get("year") == year:
            return e
    return None


def received_nominations(store: Store, year: int | None = None) -> list[dict]:
    """Nominations the communes have sent up (status sent or later), with the upper level's decision."""
    decisions = {(r["commune_code"], r["nomination_id"]): dict(r) for r in store.query("SELECT * FROM upper_decision")}
    out = []
    for c in communes(store):
        if not commune_path(store, c.code).exists():
            continue
        s = commune_store(store, c.code)
        try:
            heads = {r[0]: r[1] for r in s.query("SELECT id, head_name FROM household")}
            villages = {v["id"]: v["name"] for v in s.villages(include_deleted=True)}
            for n in s.nominations(year):
                if n["status"] not in ("sent", "decided", "returned"):
                    continue
                name = (f"Hộ {heads.get(n['household_id'], '?')}" if n["nominee_kind"] == "household"
                        else villages.get(n["village_id"], "?") if n["nominee_kind"] == "village" else n["nominee_name"])
                out.append({**n, "commune_code": c.code, "commune_name": c.name, "nominee": name,
                            "upper": decisions.get((c.code, n["id"]))})
        finally:
            s.close()
    return out


def fingerprint_of(store: Store) -> str:
    return fingerprint(own_keys(store).verify_key)
