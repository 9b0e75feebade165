"""The level above (a district before 1/7/2025, a province since): the same program in upper-level mode.

The upper-level file holds the communes it knows (their confirmed keys, the packages taken, the
decisions on their nominations); each commune's data lives in its own commune file in a folder beside
it, so two communes' records are never mixed and a commune's file is the very format the commune has.
"""

from __future__ import annotations

import datetime as _dt
import multiprocessing
import multiprocessing.connection
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from thidua_desktop import care, paths, settings, text
from thidua_desktop.errors import Refused, log_bug
from thidua_desktop.evaluation import evaluator, service
from thidua_desktop.evaluation.criteria import CriteriaSet
from thidua_desktop.exchange import checks, keys, package
from thidua_desktop.exchange.keys import b64, fingerprint, same_fingerprint
from thidua_desktop.exchange.package import PackageRefused, UntrustedCommune
from thidua_desktop.files import atomic_write
from thidua_desktop.register import dataset
from thidua_desktop.store import Store, now_iso

ROLE = "cap-tren"
LEVEL_LABELS = {"district": "Huyện", "province": "Tỉnh"}
Progress = Callable[[int, str], None]


def upper_only(store: Store) -> dict:
    """The level above's own name, level and address; refused in a commune's file."""
    me = settings.UPPER_SELF.get(store) if store.is_upper_level() else None
    if me is None:
        raise Refused(f"Tệp {store.path} không phải tệp của cấp trên. Tạo bằng lệnh 'upper init'.")
    return me


def own_keys(store: Store) -> keys.KeyPair:
    """The level above's signing and box keys (a commune's key file has no box key: refused)."""
    pair = keys.load(store.path, ROLE)
    if pair is None or pair.box is None:
        raise Refused(
            f"Không tìm thấy khóa của cấp trên ({keys.key_path(store.path, ROLE)}). Hãy khôi phục thư "
            "mục keys từ bản sao lưu."
        )
    return pair


def init(store: Store, name: str, level: str, address: str | None = None) -> bytes:
    """Make this (new) file the upper level's, with its own keys; returns the setup file for communes."""
    if store.is_upper_level():
        raise Refused(f"Tệp {store.path} đã là tệp của cấp trên.")
    if store.register.commune() is not None:
        raise Refused(f"Tệp {store.path} đang chứa dữ liệu của một xã; hãy dùng một tệp mới cho cấp trên.")
    keys.create(store.path, ROLE, with_box=True)
    with store.transaction():
        settings.MODE.set(store, "upper")
        settings.UPPER_SELF.set(store, {"name": name, "level": level, "address": address})
    return setup_document(store)


def setup_document(store: Store, criteria_raw: dict | None = None) -> bytes:
    """The setup file the level above hands to its communes (by USB or e-mail)."""
    me = upper_only(store)
    pair = own_keys(store)
    doc = {
        "format": "thidua-upper-setup",
        "version": 1,
        "name": me["name"],
        "level": me["level"],
        "address": me.get("address"),
        "signing_key": b64(pair.verify_key),
        "box_key": b64(bytes(pair.box.public_key)),  # type: ignore[union-attr]  # own_keys has checked it
        "criteria_set": criteria_raw,
        "issued_at": now_iso(),
    }
    return package.sign_document(doc, pair.signing)


def commune_path(store: Store, code: str) -> Path:
    return paths.commune_copies_dir(store.path) / f"{code}.sqlite"


def commune_store(store: Store, code: str) -> Store:
    return Store.open(commune_path(store, code), actor=store.actor)


# --- trust --------------------------------------------------------------------------------------------


def trust(store: Store, code: str, typed: str) -> str:
    """Confirm a commune's key by the fingerprint its officer reads over the phone. The fingerprint the
    level above expects is never shown: the officer's reading is compared with the keys the commune's
    packages carried."""
    upper_only(store)
    waiting = store.upper_level.pending_keys(code)
    if not waiting:
        raise Refused(
            f"Chưa nhận gói nào của xã {code} cần xác nhận khóa. Hãy nhập gói đầu tiên của xã trước (gói sẽ bị "
            "từ chối vì chưa xác nhận khóa), rồi gọi điện cho xã để xác nhận."
        )
    match = next((w for w in waiting if same_fingerprint(w["fingerprint"], typed)), None)
    if match is None:
        raise Refused(
            f"Mã nhận diện vừa nhập không khớp với khóa trong các gói của xã {code} đã nhận. Không xác nhận: hãy gọi "
            "lại cho xã, nhờ cán bộ đọc chậm từng nhóm ký tự trong trang Gửi lên cấp trên."
        )
    store.upper_level.trust_key(code, match["key"], match["fingerprint"])
    unit = store.upper_level.unit(code)
    name = f" {unit['name']}" if unit and unit["name"] else ""
    return f"Đã xác nhận khóa của xã {code}{name} (mã nhận diện {match['fingerprint']}). Hãy nhập lại gói của xã."


def pending_keys(store: Store) -> list[dict]:
    """The keys waiting for the phone check (commune code, fingerprint, first and last seen, packages).
    Shown apart from the communes; the fingerprint is for the record, never for reading out to the commune."""
    upper_only(store)
    return [{k: v for k, v in w.items() if k != "key"} for w in store.upper_level.pending_keys()]


def _seen(store: Store, refusal: UntrustedCommune) -> None:
    """Remember the key an untrusted package carried, so that `trust` can confirm it by fingerprint."""
    store.upper_level.remember_pending_key(refusal.code, refusal.key, refusal.fingerprint)


# --- import ---------------------------------------------------------------------------------------------


@dataclass
class PackageResult:
    name: str
    status: str  # accepted / duplicate / refused / checked (dry run)
    message: str
    commune_code: str | None = None
    commune_name: str | None = None
    sequence: int | None = None
    sha256: str | None = None
    households: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    notes: list[str] = field(default_factory=list)
    receipt: bytes | None = None
    advice: str | None = None  # a refusal: what the commune should do next

    def counts(self) -> str:
        return f"{self.households} hộ, {self.added} hộ mới, {self.changed} hộ thay đổi" + (
            f", {self.removed} hộ bị xóa" if self.removed else ""
        )

    def line(self) -> str:
        head = {"accepted": "ĐÃ NHẬP", "duplicate": "ĐÃ CÓ", "refused": "TỪ CHỐI", "checked": "KIỂM TRA"}[self.status]
        extra = "".join(f"\n    - {n}" for n in self.notes)
        said = self.message.removeprefix(f"{self.name}: ")  # a refusal names the file already
        return f"[{head}] {self.name}: {said}{extra}"


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
    me = upper_only(store)
    pair = own_keys(store)
    try:
        header, _ = package.read_header(raw, name)
        unit = store.upper_level.unit(header.commune_code)
        digest = package.sha256(raw)
        if store.upper_level.package(digest) is not None:
            result = PackageResult(
                name,
                "duplicate",
                "gói này đã được nhập trước đây; không có gì thay đổi.",
                header.commune_code,
                unit["name"] if unit else None,
                header.sequence,
                digest,
            )
            return _with_receipt(store, result, me, pair, dry_run)
        trusted = unit["verify_key"] if unit else None
        try:
            opened = package.open_package(raw, name, pair.box, trusted)  # type: ignore[arg-type]  # checked
        except UntrustedCommune as refusal:
            _seen(store, refusal)  # even on a dry run: the key is needed to confirm it by phone
            raise
        return _import_opened(store, opened, name, me, pair, dry_run)
    except PackageRefused as exc:
        result = PackageResult(name, "refused", str(exc), advice=exc.advice)
        try:
            h, _ = package.read_header(raw, name)
            result.commune_code, result.sequence, result.sha256 = h.commune_code, h.sequence, package.sha256(raw)
        except PackageRefused:
            pass
        return _with_receipt(store, result, me, pair, dry_run)


def _import_opened(
    store: Store, opened: package.Opened, name: str, me: dict, pair: keys.KeyPair, dry_run: bool
) -> PackageResult:
    m, data, code, seq = opened.manifest, opened.dataset, opened.header.commune_code, opened.header.sequence
    result = PackageResult(name, "checked", "", code, m.get("commune_name"), seq, opened.sha256)
    if not isinstance(data, dict) or (data.get("commune") or {}).get("code") != code:
        raise PackageRefused(f"{name}: dữ liệu trong gói là của xã khác với xã gửi gói ({code}).")
    result.notes += _sequence_notes(store, code, seq, m, name)
    path = commune_path(store, code)
    fresh = not path.exists()
    # A commune seen for the first time: a dry run checks against an empty store in memory, and a
    # refused first package leaves no file behind.
    target = Store.open(":memory:" if fresh and dry_run else path, actor=f"Gói số {seq} của xã {code}")
    ok = False
    try:
        listed_households = data.get("households")
        households = listed_households if isinstance(listed_households, list) else []
        incoming = {h["id"] for h in households if isinstance(h, dict) and "id" in h}
        existing = target.register.household_id_set()
        present = target.register.household_id_set(include_deleted=False)
        result.households, result.added = len(incoming), len(incoming - existing)
        result.removed = len(present - incoming)
        if dry_run:
            problems = dataset.check(data, target, mirror=True)
            if problems:
                raise dataset.DatasetRefused(name, problems)
        if existing & incoming:  # only households seen before can have changed
            before = _household_hashes(h for h in target.register.iter_households() if h["id"] in incoming)
            after = _household_hashes(h for h in data["households"] if h["id"] in existing)
            result.changed = sum(1 for hid, digest in after.items() if before.get(hid) != digest)
        if dry_run:
            result.message = f"xã {code} {result.commune_name}: {result.counts()}. Chưa ghi (chạy thử)."
            return result
        changed_ids = (
            {hid for hid, digest in after.items() if before.get(hid) != digest} if existing & incoming else set()
        )
        applied = {"sha256": opened.sha256, "sequence": seq, "file_name": name, "manifest": m,
                   "added": result.added, "changed": result.changed, "notes": result.notes,
                   "answers": _answers(m, changed_ids, seq)}  # fmt: skip
        # The copy becomes exactly the package, and says which package it holds, in one transaction: the
        # upper file's record of the import can always be rebuilt from it (reconcile).
        dataset.import_data(
            target, data, name, mirror=True, and_then=lambda: settings.PACKAGE_APPLIED.set(target, applied)
        )
        ok = True
        persons, member_changes = target.register.heads(), target.register.member_changes()
    except dataset.DatasetRefused as exc:
        listed = "; ".join(f"{p.path}: {p.message}" for p in exc.problems[:10])
        more = f" (và {len(exc.problems) - 10} lỗi khác)" if len(exc.problems) > 10 else ""
        raise PackageRefused(
            f"{name}: dữ liệu của xã {code} có {len(exc.problems)} lỗi: {listed}{more}. Không nhập.",
            "Hãy sửa các lỗi đã nêu trong chương trình của xã, rồi tạo một gói mới và gửi lại.",
        ) from None
    finally:
        target.close()
        if fresh and not dry_run and not ok:
            path.unlink(missing_ok=True)
    _record(store, code, data["commune"], applied, persons)
    result.status = "accepted"
    result.message = f"xã {code} {result.commune_name}, gói số {seq}: {result.counts()}."
    result.notes += _checked(store, code, data, m, member_changes)
    return _with_receipt(store, result, me, pair, False)


def _sequence_notes(store: Store, code: str, seq: int, manifest: dict, name: str) -> list[str]:
    """Where the package stands in the commune's line of packages: refused when the level above already
    holds newer data, told when packages are missing or the commune went back to an older copy."""
    last = store.upper_level.last_package(code)
    if last is None:
        return []
    last_seq, created = last["sequence"], _when(manifest.get("created_at"))
    last_created = _when(last["created_at"])
    restored = manifest.get("restored_from")
    if seq <= last_seq:
        if created is not None and last_created is not None and created > last_created:
            when = f" ngày {text.format_date(str(restored)[:10])}" if restored else ""
            return [
                f"Xã đã khôi phục dữ liệu từ bản sao lưu{when}: gói số {seq} được tạo sau gói số {last_seq} đã "
                "nhập, nên được nhận và thay cho dữ liệu trước đó của xã."
            ]
        made = f" (tạo lúc {_shown(last['created_at'])})" if last["created_at"] else ""
        if seq == last_seq:
            raise PackageRefused(
                f"{name}: gói số {seq} này khác với gói số {seq} đã nhập{made}, và được tạo trước gói đó; dữ liệu "
                "đã nhập mới hơn. Không nhập. Nếu xã đã khôi phục dữ liệu từ bản sao lưu, hãy tạo một gói mới."
            )
        raise PackageRefused(
            f"{name}: gói số {seq} cũ hơn gói số {last_seq} đã nhập của xã {code}{made}; dữ liệu mới hơn đã có. "
            "Không nhập."
        )
    notes = []
    if seq > last_seq + 1:
        missing = str(last_seq + 1) if seq == last_seq + 2 else f"{last_seq + 1} đến {seq - 1}"
        notes.append(f"Thiếu gói số {missing} của xã (không mất dữ liệu: mỗi gói chứa toàn bộ dữ liệu của xã).")
    elif manifest.get("previous_sha256") != last["sha256"]:
        when = f" ngày {text.format_date(str(restored)[:10])}" if restored else ""
        notes.append(f"Gói này không nối tiếp gói đã nhập trước: xã có thể đã khôi phục dữ liệu từ bản sao lưu{when}.")
    return notes


def _when(iso: str | None) -> _dt.datetime | None:
    try:
        moment = _dt.datetime.fromisoformat(iso) if iso else None
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.UTC)
    return moment


def _shown(iso: str) -> str:
    """'2026-12-01T16:40:00+07:00' as people read it: '01/12/2026 16:40'."""
    moment = _when(iso)
    return moment.strftime("%d/%m/%Y %H:%M") if moment else iso


def _record(store: Store, code: str, commune: dict, applied: dict, persons: list[tuple]) -> None:
    """The upper file's part of an import, in one transaction: the package, the commune's heads of
    household, the answers it carried, and its years' state."""
    merged = [(u["code"], u["name"]) for u in commune.get("former_units") or ()]
    with store.transaction():
        _record_unit(store, code, commune, applied, merged)
        store.upper_level.replace_persons(code, persons)
        store.queries.take_up(code, applied.get("answers") or [])
        unchanged = not (applied["added"] or applied["changed"])
        states = store.upper_level
        for year in applied["manifest"].get("years") or ():
            held = states.year_states(year).get(code)
            if not (held and held["state"] == "approved" and unchanged):
                states.set_year_state(code, year, "checked")


def _record_unit(store: Store, code: str, commune: dict, applied: dict, merged: list) -> None:
    store.upper_level.record_import(
        code,
        commune["name"],
        applied["sequence"],
        applied["sha256"],
        applied["manifest"],
        applied["file_name"],
        applied["added"],
        applied["changed"],
        "\n".join(applied["notes"]) or None,
        merged,
    )


def _answers(manifest: dict, changed_ids: set[str], seq: int) -> list[dict]:
    """The commune's written answers a package carries, with what the package changed for each."""
    out = []
    for a in manifest.get("answers") or ():
        if not (
            isinstance(a, dict)
            and isinstance(a.get("id"), str)
            and len(a["id"]) <= 64
            and isinstance(a.get("answer"), str)
            and len(a["answer"]) <= 2000
            and isinstance(a.get("answered_at"), str)
            and len(a["answered_at"]) <= 40
        ):
            continue  # signed by the commune, but not an answer: left out, the question stays open
        hid = a.get("household_id")
        changed = (
            None if not hid else f"Hộ đã được sửa trong gói số {seq}." if hid in changed_ids else "Hộ không thay đổi."
        )
        out.append({"id": a["id"], "answer": a["answer"], "answered_at": a["answered_at"], "changed": changed})
    return out


def _checked(store: Store, code: str, data: dict, manifest: dict, member_changes: list[tuple]) -> list[str]:
    """The checks of the package's newest year, run as it comes in: how many flags, said in its notes."""
    years = [y for y in manifest.get("years") or () if isinstance(y, int)]
    if not years:
        return []
    from thidua_desktop.evaluation import criteria as criteria_sets

    year = max(years)
    found = checks.commune_flags(store, code, data, year, criteria_sets.load_chosen(store), member_changes)
    found += checks.duplicate_flags(store, code)
    if not found:
        return [f"Kiểm tra năm {year}: không có cảnh báo."]
    return [f"Kiểm tra năm {year}: {len(found)} cảnh báo (xem bằng lệnh upper checks --year {year})."]


def reconcile(store: Store) -> list[str]:
    """Make the upper file agree with its commune copies after an import stopped between the two writes
    (a power cut, a killed process): each copy says which package it holds; one the upper file does not
    know is recorded now. Returns the communes put right."""
    fixed = []
    for unit in store.upper_level.units():
        path = commune_path(store, unit["code"])
        if not path.exists():
            continue
        copy = Store.open(path, actor=store.actor)
        try:
            applied = settings.PACKAGE_APPLIED.get(copy)
            if not applied or store.upper_level.package(applied["sha256"]) is not None:
                continue  # the upper file knows the package the copy holds: the usual case, read no further
            commune = copy.register.commune()
            if commune:
                _record(store, unit["code"], commune, applied, copy.register.heads())
                fixed.append(unit["code"])
        finally:
            copy.close()
    return fixed


def _with_receipt(store: Store, result: PackageResult, me: dict, pair: keys.KeyPair, dry_run: bool) -> PackageResult:
    if dry_run or result.sha256 is None:
        return result
    result.receipt = receipt_for(store, result, me, pair)
    return result


def receipt_for(store: Store, result: PackageResult, me: dict, pair: keys.KeyPair) -> bytes:
    decisions = store.upper_level.decisions_for(result.commune_code) if result.commune_code else []
    doc = {
        "format": "thidua-receipt",
        "version": 1,
        "package_sha256": result.sha256,
        "file_name": result.name,
        "commune_code": result.commune_code,
        "sequence": result.sequence,
        "status": result.status,
        "message": result.message,
        "notes": result.notes,
        "advice": result.advice,
        "households": result.households,
        "removed": result.removed,
        "added": result.added,
        "changed": result.changed,
        "decisions": decisions,
        # The level above's questions and returns travel down with every receipt, until the commune answers.
        "queries": [
            {k: q[k] for k in ("id", "household_id", "year", "kind", "text", "status", "asked_at")}
            for q in store.queries.find(result.commune_code)
        ]
        if result.commune_code
        else [],
        "upper_name": me["name"],
        "issued_at": now_iso(),
    }
    return package.sign_document(doc, pair.signing)


def import_files(
    store: Store,
    files: Iterable[Path],
    dry_run: bool = False,
    receipt_dir: Path | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> list[PackageResult]:
    """Import packages, each commune's oldest first whatever order they come in. Communes are
    independent (each has its own file), so several are imported side by side on a multi-core PC."""
    if not dry_run:
        reconcile(store)
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
        with ProcessPoolExecutor(workers, initializer=_worker_started, initargs=(os.getpid(),)) as pool:
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
            atomic_write(receipt_dir / f"{Path(result.name).stem}.bien-nhan.json", result.receipt)
    return results


def _worker_started(parent_pid: int) -> None:
    """In each import worker: the same log as the parent, and an end when the parent ends (a killed
    window or command must not leave workers behind)."""
    care.setup_logging()

    def watch() -> None:
        parent = multiprocessing.parent_process()
        if parent is not None:
            multiprocessing.connection.wait([parent.sentinel])
        else:  # pragma: no cover - every start method gives workers their parent
            while os.getppid() == parent_pid:
                time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


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
            return PackageResult(
                f.name,
                "refused",
                f"{f.name}: gói quá lớn ({size / 1e6:.0f} MB, tối đa "
                f"{package.MAX_PACKAGE_BYTES / 1e6:.0f} MB). Không nhận.",
            )
        return import_bytes(store, f.read_bytes(), f.name, dry_run)
    except Refused as exc:  # a commune copy that cannot be opened (locked, damaged): this package waits
        return PackageResult(f.name, "refused", f"{f.name}: {exc}")
    except OSError as exc:
        return PackageResult(f.name, "refused", f"{f.name}: không đọc được tệp ({exc.strerror}).")
    except Exception as exc:  # noqa: BLE001 - one package's bug must not cost the batch's other packages
        log_bug(exc, f"importing {f.name}")
        return PackageResult(
            f.name,
            "refused",
            f"{f.name}: lỗi không mong muốn của chương trình khi nhập gói (đã ghi vào nhật ký); gói chưa được nhập.",
        )


# --- decisions on nominations -------------------------------------------------------------------------


def decide(
    store: Store,
    code: str,
    nomination_id: str,
    status: str,
    number: str | None = None,
    date: str | None = None,
    comment: str | None = None,
) -> None:
    """Approve (decided, with the decision's number and date) or return (with a comment) a nomination;
    the decision travels back to the commune in its next receipt."""
    upper_only(store)
    if status == "decided" and not (number and date):
        raise Refused("Quyết định khen thưởng cần số và ngày quyết định.")
    if status == "returned" and not (comment or "").strip():
        raise Refused("Trả lại hồ sơ cần ghi ý kiến cho xã.")
    sent = {n["id"] for n in received_nominations(store) if n["commune_code"] == code}
    if nomination_id not in sent:
        raise Refused(
            f"Xã {code} chưa gửi lên đề nghị khen thưởng mang mã {nomination_id[:40]} (hoặc chưa nhập gói nào của "
            "xã). Hãy xem danh sách đề nghị đã nhận."
        )
    store.upper_level.decide(code, nomination_id, status, number, date, comment)


def fresh_receipt(store: Store, code: str) -> bytes:
    """A new receipt for the commune's last package, carrying every decision made since."""
    last = store.upper_level.last_package(code)
    if last is None:
        raise Refused(f"Chưa nhập gói nào của xã {code}.")
    receipt = receipt_again(store, last["sha256"])
    assert receipt is not None  # the package was just found
    return receipt


def receipt_again(store: Store, digest: str) -> bytes | None:
    """The receipt of an imported package, written again with every decision made since (None: unknown)."""
    me = upper_only(store)
    row = store.upper_level.package(digest)
    if row is None:
        return None
    result = PackageResult(
        row["file_name"],
        "accepted",
        f"Biên nhận bổ sung cho gói số {row['sequence']}.",
        row["commune_code"],
        None,
        row["sequence"],
        digest,
    )
    return receipt_for(store, result, me, own_keys(store))


# --- checks, queries, returns, approval -------------------------------------------------------------


def run_checks(store: Store, year: int, chosen: CriteriaSet) -> list[checks.Flag]:
    """Every flag of the year: each commune's own data, and heads of household found twice."""
    upper_only(store)
    flags: list[checks.Flag] = []
    for c in communes(store):
        if c.merged_into or not commune_path(store, c.code).exists():
            continue
        copy = commune_store(store, c.code)
        try:
            data, changes = dataset.export_data(copy), copy.register.member_changes()
        finally:
            copy.close()
        flags += checks.commune_flags(store, c.code, data, year, chosen, changes)
    return flags + checks.duplicate_flags(store)


def _known_commune(store: Store, code: str) -> None:
    upper_only(store)
    if store.upper_level.last_package(code) is None:
        raise Refused(f"Chưa nhập gói nào của xã {code}; chưa hỏi hay trả lại được.")


def ask(store: Store, code: str, household_id: str, text: str, year: int | None = None) -> str:
    """A question to the commune about one of its households (and, from a check, the year it is about);
    it goes down in the next receipt."""
    _known_commune(store, code)
    text = _said(text)
    copy = commune_store(store, code)
    try:
        found = copy.register.household_names(ids=[household_id])
    finally:
        copy.close()
    if household_id not in found:
        raise Refused(f"Xã {code} không có hộ mang mã {household_id[:40]} trong gói đã nhập gần nhất.")
    return store.queries.ask(code, "query", text, household_id, year)


def return_year(store: Store, code: str, year: int, text: str) -> str:
    """The commune's year sent back with a comment; it goes down in the next receipt."""
    _known_commune(store, code)
    text = _said(text)
    with store.transaction():
        query_id = store.queries.ask(code, "return", text, None, year)
        store.upper_level.set_year_state(code, year, "returned", text)
    return query_id


def approve(store: Store, code: str, year: int) -> None:
    """The level above's operator approves the commune's year (recorded with who and when)."""
    _known_commune(store, code)
    held = store.upper_level.year_states(year).get(code)
    if held is None:
        raise Refused(f"Chưa nhận dữ liệu năm {year} của xã {code} nên chưa duyệt được.")
    if held["state"] == "returned":
        raise Refused(f"Năm {year} của xã {code} đang bị trả lại; hãy chờ xã gửi gói mới rồi duyệt.")
    store.upper_level.set_year_state(code, year, "approved")


def close_query(store: Store, query_id: str) -> None:
    upper_only(store)
    if store.queries.get(query_id) is None:
        raise Refused(f"Không có câu hỏi mang mã {query_id[:40]}.")
    store.queries.close(query_id)


def _said(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise Refused("Hãy ghi nội dung câu hỏi hoặc ý kiến gửi xã.")
    if len(text) > 2000:
        raise Refused("Nội dung dài quá 2.000 ký tự.")
    return text


YEAR_STATE_LABELS = {"received": "Đã nhận", "checked": "Đã kiểm tra", "returned": "Đã trả lại", "approved": "Đã duyệt"}


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
    upper_only(store)
    out = []
    years_of = store.upper_level.years_in_last_packages()
    for u in store.upper_level.units():
        years = years_of.get(u["code"], [])
        out.append(
            CommuneRow(
                u["code"],
                u["name"] or "",
                u["verify_key"] is not None,
                u["fingerprint"],
                u["merged_into"],
                u["last_sequence"],
                u["last_package_at"],
                years,
            )
        )
    return out


COMPLETENESS_LABELS = {
    "sent": "Đã gửi",
    "late": "Gửi muộn",
    "incomplete": "Đã gửi, năm chưa đầy đủ",
    "missing": "Chưa gửi",
    "untrusted": "Chưa xác nhận khóa",
}


def completeness(store: Store, year: int, deadline: _dt.date | None = None) -> list[tuple[CommuneRow, str]]:
    """Which communes have sent year Y's data, which sent it late (after `deadline`, by default 15
    January of the next year), which sent a year some of whose households have no record (as their last
    package says), and which have not."""
    deadline = deadline or _dt.date(year + 1, 1, 15)
    out = []
    for row in communes(store):
        if row.merged_into:
            continue
        if not row.trusted:
            out.append((row, "untrusted"))
        elif year not in row.years:
            out.append((row, "missing"))
        elif (
            not ((store.upper_level.last_manifest(row.code) or {}).get("coverage") or {})
            .get(str(year), {})
            .get("complete", True)
        ):
            out.append((row, "incomplete"))
        else:
            first = store.upper_level.first_sent_with_year(row.code, year) or row.last_package_at
            late = first is not None and _dt.date.fromisoformat(first[:10]) > deadline
            out.append((row, "late" if late else "sent"))
    return out


@dataclass
class Overview:
    """The level above's year: each commune judged again, the rates, and the group's own criteria."""

    year: int
    rows: list[dict]  # per commune: code, name, households, rates by year, verdict, eligible, own, differs
    totals: dict[str, float | None]
    group: dict


def overview(store: Store, year: int, chosen: CriteriaSet, progress: Progress | None = None) -> Overview:
    group_ = evaluator.GroupOfCommunes()
    rows = []
    states = store.upper_level.year_states(year)
    listed = [c for c in communes(store) if c.years]
    for i, c in enumerate(listed):
        if progress:
            progress(int(100 * i / max(len(listed), 1)), f"Đang đánh giá xã {c.name}…")
        s = commune_store(store, c.code)
        try:
            # Counted, not judged household by household: reasons are built when a commune is opened.
            counted = service.count_year(s, year, chosen, group_)
        finally:
            s.close()
        own = _own_evaluation(store, c.code, year)
        differs = own is not None and (
            own.get("commune_verdict") != counted["verdict"] or own.get("eligible") != counted["eligible"]
        )
        rows.append(
            {
                "code": c.code,
                "name": c.name,
                "households": counted["households"],
                "poverty_rates": counted["poverty_rates"],
                "near_poor_rates": counted["near_poor_rates"],
                "verdict": counted["verdict"],
                "eligible": counted["eligible"],
                "own": own,
                "differs": differs,
                # Per year: households there, those with a record (the rates' base), complete or not.
                "coverage": counted["coverage"],
                "state": (states.get(c.code) or {}).get("state"),  # received / checked / returned / approved
            }
        )
    judged = group_.evaluate(year, chosen)
    return Overview(year, rows, judged["poverty_rates"], judged)


def _own_evaluation(store: Store, code: str, year: int) -> dict | None:
    manifest = store.upper_level.last_manifest(code)
    if manifest is None:
        return None
    for e in manifest.get("evaluations") or ():
        if e.get("year") == year:
            return e
    return None


def received_nominations(store: Store, year: int | None = None) -> list[dict]:
    """Nominations the communes have sent up (status sent or later), with the upper level's decision."""
    decisions = store.upper_level.all_decisions()
    out = []
    for c in communes(store):
        if not commune_path(store, c.code).exists():
            continue
        s = commune_store(store, c.code)
        try:
            sent = [n for n in s.nominations.find(year) if n["status"] in ("sent", "decided", "returned")]
            nominated = [n["household_id"] for n in sent if n["household_id"]]  # only theirs: the names are read
            found = s.register.household_names(ids=nominated, include_deleted=True) if nominated else {}
            heads = {h.id: h.head_name for h in found.values()}
            villages = {v["id"]: v["name"] for v in s.register.villages(include_deleted=True)}
            for n in sent:
                name = (
                    f"Hộ {heads.get(n['household_id'], '?')}"
                    if n["nominee_kind"] == "household"
                    else villages.get(n["village_id"], "?")
                    if n["nominee_kind"] == "village"
                    else n["nominee_name"]
                )
                out.append(
                    {
                        **n,
                        "commune_code": c.code,
                        "commune_name": c.name,
                        "nominee": name,
                        "upper": decisions.get((c.code, n["id"])),
                    }
                )
        finally:
            s.close()
    return out


def fingerprint_of(store: Store) -> str:
    return fingerprint(own_keys(store).verify_key)
