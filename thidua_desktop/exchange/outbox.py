"""The commune's side of the upward trip: the level above's setup, the commune's key, the outbox, and
delivery by folder (a USB stick or a share) or HTTP, and the receipts that close it.

Every package stays in the outbox (with its bytes) until its receipt comes back; delivering it again
is always safe, since the level above takes the same package twice as one.
"""

from __future__ import annotations

import datetime as _dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from thidua_desktop import paths, settings
from thidua_desktop.errors import Refused
from thidua_desktop.evaluation import criteria, evaluator
from thidua_desktop.exchange import keys, package
from thidua_desktop.exchange.keys import fingerprint, unb64
from thidua_desktop.exchange.package import PackageRefused
from thidua_desktop.files import WriteFailed, atomic_write, reason
from thidua_desktop.register import dataset
from thidua_desktop.store import OutboxEntry, Store

ROLE = "xa"
CRITERIA_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")  # the file name a criteria set is kept under
LEVEL_LABELS = {"district": "huyện", "province": "tỉnh"}
RETRY_BASE_SECONDS, RETRY_MAX_SECONDS = 30, 3600
SEND_TIMEOUT = 60


@dataclass
class Upper:
    name: str
    level: str
    verify_key: bytes
    box_key: bytes
    address: str | None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.verify_key)


def upper_of(store: Store) -> Upper | None:
    d = settings.UPPER_SETUP.get(store)
    if not d:
        return None
    return Upper(d["name"], d["level"], unb64(d["signing_key"]), unb64(d["box_key"]), d.get("address"))


def address(store: Store) -> str | None:
    """Where packages go over HTTP: the address the officer typed, else the one in the setup file."""
    upper = upper_of(store)
    return settings.UPPER_ADDRESS.get(store) or (upper.address if upper else None)


def _commune_only(store: Store) -> dict:
    if store.is_upper_level():
        raise Refused(f"Tệp {store.path} là tệp của cấp trên, không phải của xã.")
    commune = store.register.commune()
    if commune is None:
        raise Refused(f"Tệp dữ liệu {store.path} chưa có thông tin xã.")
    return commune


def setup_upper(store: Store, raw: bytes, name: str, replace: bool = False) -> Upper:
    """Trust the level above described by its setup file (and take its criteria set, if it sends one).
    A setup file of another level above than the one already trusted is refused unless `replace` (the
    officer has checked both fingerprints by phone)."""
    _commune_only(store)
    doc, signer = package.read_document(raw, name, "thidua-upper-setup", None)
    try:
        keys_ok = unb64(doc["signing_key"]) == signer and len(unb64(doc["box_key"])) == 32
    except (KeyError, TypeError, ValueError, AttributeError):
        keys_ok = False
    if not keys_ok:
        raise PackageRefused(f"{name}: tệp thiết lập không do chính cấp trên đó ký.")
    if doc.get("level") not in LEVEL_LABELS:
        raise PackageRefused(f"{name}: cấp '{str(doc.get('level'))[:20]}' không hợp lệ (huyện hoặc tỉnh).")
    if not (isinstance(doc.get("name"), str) and 0 < len(doc["name"]) <= 200):
        raise PackageRefused(f"{name}: tệp thiết lập không ghi tên của cấp trên.")
    if not (doc.get("address") is None or (isinstance(doc["address"], str) and len(doc["address"]) <= 300)):
        raise PackageRefused(f"{name}: địa chỉ nhận gói trong tệp thiết lập không hợp lệ.")
    current = upper_of(store)
    if current is not None and current.verify_key != signer and not replace:
        raise PackageRefused(
            f"{name}: tệp thiết lập này là của {doc['name']} (mã nhận diện {fingerprint(signer)}), khác cấp trên xã "
            f"đang gửi gói ({current.name}, mã nhận diện {current.fingerprint}). Chưa đổi gì. Nếu xã thật sự chuyển "
            "sang gửi cho cấp trên mới, hãy gọi điện đối chiếu mã nhận diện rồi thiết lập lại và chọn thay thế "
            "(lệnh package setup TỆP --replace)."
        )
    chosen = None
    if doc.get("criteria_set"):
        chosen = criteria.parse(doc["criteria_set"], f"{name} (bộ tiêu chí)")
        if not CRITERIA_NAME.fullmatch(chosen.name):
            raise PackageRefused(
                f"{name}: tên bộ tiêu chí '{chosen.name[:60]}' không hợp lệ (chỉ chữ thường không dấu, số và dấu '-')."
            )
        folder = paths.data_dir() / "criteria"
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / f"{chosen.name}.json", dataset.json_bytes(doc["criteria_set"]))
    trusted = {k: doc.get(k) for k in ("name", "level", "signing_key", "box_key", "address")}
    with store.transaction():
        settings.UPPER_SETUP.set(store, trusted)
        if chosen:
            settings.CRITERIA_SET.set(store, chosen.name)
    upper = upper_of(store)
    assert upper is not None  # just written
    return upper


def own_keys(store: Store) -> keys.KeyPair:
    """The commune's key pair, made on first use and kept in keys/ beside the database."""
    return keys.load(store.path, ROLE) or keys.create(store.path, ROLE, with_box=False)


def replace_key(store: Store) -> keys.KeyPair:
    """A lost or compromised key: a new pair; the level above must confirm the new fingerprint."""
    return keys.replace(store.path, ROLE)


# --- the outbox -------------------------------------------------------------------------------------

STATUS_LABELS = {
    "waiting": "Chờ gửi",
    "delivered": "Đã chuyển, chờ biên nhận",
    "received": "Cấp trên đã nhận",
    "refused": "Cấp trên từ chối",
}


def make_package(store: Store) -> OutboxEntry:
    """The next package of the whole commune, placed in the outbox."""
    commune = _commune_only(store)
    upper = upper_of(store)
    if upper is None:
        raise Refused(
            "Chưa thiết lập cấp trên. Hãy nhận tệp thiết lập của cấp trên (huyện hoặc tỉnh) trước khi tạo gói."
        )
    pair = own_keys(store)
    data = dataset.export_data(store)
    evaluations = store.runs.latest_per_year()
    with store.transaction():
        last = store.outbox.last()
        sequence = (last[0] if last else 0) + 1
        chosen = criteria.load_chosen(store)
        raw = package.build(
            data,
            sequence,
            last[1] if last else None,
            pair.signing,
            upper.box_key,
            {
                "evaluations": evaluations,
                "criteria_set": {"name": chosen.name, "version": chosen.version},
                # The level above tells an older copy sent again from a commune that restored a backup.
                "restored_from": settings.RESTORED_FROM.get(store),
                # The officer's written answers to the level above's questions, until it closes them.
                "answers": [
                    {k: q[k] for k in ("id", "household_id", "answer", "answered_at")}
                    for q in store.queries.find(status="answered")
                ],
                # Which years cover the whole commune: the level above tells a partial year from a whole one.
                "coverage": evaluator.coverage_by_year(evaluator.views_of(data)),
            },
        )
        name = package.file_name(commune["code"], _dt.date.today().year, sequence)
        store.outbox.add(sequence, name, package.sha256(raw), last[1] if last else None, len(data["households"]), raw)
    entry = store.outbox.entry(sequence)
    assert entry is not None  # just added
    return entry


def package_bytes(store: Store, sequence: int) -> bytes:
    raw = store.outbox.package_bytes(sequence)
    if raw is None:
        raise Refused(f"Gói số {sequence} không còn trong hộp thư đi (đã có biên nhận).")
    return raw


def write_to_folder(store: Store, sequence: int, folder: Path) -> Path:
    """Write a package into a folder (a USB stick, a share): under a temporary name, flushed to the
    device, read back and compared, then renamed. Only then is the stick safe to remove."""
    raw = package_bytes(store, sequence)
    entry = store.outbox.entry(sequence)
    assert entry is not None  # its bytes were just read
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = atomic_write(folder / entry.file_name, raw, read_back=True)
    except (OSError, WriteFailed) as exc:
        cause = exc.os_error if isinstance(exc, WriteFailed) else exc
        raise Refused(
            f"Không ghi được gói vào {folder}: {reason(cause)}. Kiểm tra USB hoặc thư mục "
            "(còn chỗ trống, không bị khóa ghi) rồi thử lại; gói vẫn nằm trong hộp thư đi."
        ) from exc
    store.outbox.mark_delivered(sequence, str(folder))
    return target


def export_package(store: Store, out_dir: Path) -> Path:
    entry = make_package(store)
    return write_to_folder(store, entry.sequence, out_dir)


# --- receipts -------------------------------------------------------------------------------------


def take_receipt(store: Store, raw: bytes, name: str) -> str:
    """Verify a receipt of the level above and apply it: the package leaves the outbox, and the
    decisions on nominations are written to the nomination list. Returns what happened (Vietnamese)."""
    commune = _commune_only(store)
    upper = upper_of(store)
    if upper is None:
        raise Refused("Chưa thiết lập cấp trên nên chưa nhận được biên nhận.")
    doc, _ = package.read_document(raw, name, "thidua-receipt", upper.verify_key)
    _check_receipt(doc, name)
    entry = store.outbox.by_sha256(doc["package_sha256"])
    if entry is None:
        raise PackageRefused(
            f"{name}: biên nhận này không thuộc gói nào của xã (mã băm {doc['package_sha256'][:12]}…)."
        )
    accepted = doc["status"] in ("accepted", "duplicate")
    said = doc["message"] if accepted or not doc.get("advice") else f"{doc['message']} Việc cần làm: {doc['advice']}"
    # Only forward: an older receipt, or a refusal after the package was taken, changes nothing.
    stale = entry.receipt_at is not None and (
        str(doc["issued_at"]) < entry.receipt_at or (entry.status == "received" and not accepted)
    )
    # Decisions only move forward in time: a receipt carries every decision as of its issue, so only one
    # issued after the newest receipt taken in may change them.
    newest = settings.LAST_RECEIPT_AT.get(store)
    forward = not stale and (newest is None or str(doc["issued_at"]) >= newest)
    applied = 0
    with store.transaction():
        asked = store.queries.take_down(commune["code"], doc.get("queries") or [])
        if not stale:
            store.outbox.mark_answered(entry.sequence, accepted, doc["issued_at"], said)
        if forward:
            settings.LAST_RECEIPT_AT.set(store, str(doc["issued_at"]))
        for d in doc.get("decisions") or () if forward else ():
            if d["status"] == "decided":
                applied += store.nominations.apply_decision(
                    d["nomination_id"], "decided", d.get("decision_number"), d.get("decision_date"), None
                )
            else:
                applied += store.nominations.apply_decision(
                    d["nomination_id"], "returned", None, None, d.get("comment")
                )
    verdict = "đã nhận" if accepted else "từ chối"
    text = f"Gói số {entry.sequence}: cấp trên {verdict}. {said}"
    if stale:
        text = (
            f"Gói số {entry.sequence}: biên nhận này không mới hơn biên nhận đã nhận trước đó "
            f"({STATUS_LABELS[entry.status].lower()}); không có gì thay đổi."
        )
    if applied:
        text += f" Đã ghi {applied} quyết định về đề nghị khen thưởng."
    if asked:
        text += f" Cấp trên có {asked} câu hỏi hoặc ý kiến mới cho xã (xem danh sách việc cần làm)."
    return text


def _check_receipt(doc: dict, name: str) -> None:
    """A receipt's fields have the types the trip relies on (signed is not the same as well made)."""

    def text(value, most: int, optional: bool = False) -> bool:
        return (optional and value is None) or (isinstance(value, str) and len(value) <= most)

    decisions = doc.get("decisions") or []
    queries = doc.get("queries") or []
    well_made = (
        text(doc.get("commune_code"), 5)
        and isinstance(queries, list)
        and all(
            isinstance(q, dict)
            and text(q.get("id"), 64)
            and q.get("kind") in ("query", "return")
            and q.get("status") in ("open", "answered", "closed")
            and text(q.get("text"), 2_000)
            and text(q.get("asked_at"), 40)
            and text(q.get("household_id"), 64, optional=True)
            and (q.get("year") is None or (isinstance(q["year"], int) and 2000 <= q["year"] <= 2100))
            for q in queries
        )
        and text(doc.get("package_sha256"), 64)
        and doc.get("status") in ("accepted", "duplicate", "refused")
        and text(doc.get("issued_at"), 40)
        and text(doc.get("message"), 20_000)
        and text(doc.get("advice"), 2_000, optional=True)
        and isinstance(decisions, list)
        and all(
            isinstance(d, dict)
            and text(d.get("nomination_id"), 100)
            and d.get("status") in ("decided", "returned")
            and all(text(d.get(k), 2_000, optional=True) for k in ("decision_number", "decision_date", "comment"))
            for d in decisions
        )
    )
    if not well_made:
        raise PackageRefused(f"{name}: biên nhận không đúng định dạng; không nhận. Hãy xin cấp trên biên nhận mới.")


def answer(store: Store, query_id: str, text: str) -> None:
    """The officer's written answer to a question of the level above; it goes up in the next package
    (with whatever the officer corrected meanwhile)."""
    _commune_only(store)
    asked = store.queries.get(query_id)
    if asked is None:
        raise Refused(f"Không có câu hỏi nào mang mã {query_id[:40]}.")
    if asked["status"] == "closed":
        raise Refused("Câu hỏi này cấp trên đã đóng; không cần trả lời nữa.")
    text = " ".join(text.split())
    if not text or len(text) > 2000:
        raise Refused("Hãy ghi câu trả lời (tối đa 2.000 ký tự).")
    store.queries.answer(query_id, text)


QUERY_STATUS_LABELS = {"open": "Chưa trả lời", "answered": "Đã trả lời", "closed": "Đã đóng"}


def queries_shown(queries: list[dict], shown: str) -> list[dict]:
    """The questions a list shows: "all", one status, or "not_closed" (open and answered)."""
    return [
        q
        for q in queries
        if shown == "all" or q["status"] == shown or (shown == "not_closed" and q["status"] != "closed")
    ]


# --- HTTP ---------------------------------------------------------------------------------------


def send_http(store: Store, sequence: int, address: str) -> str:
    """POST one package to the level above's receiver; its answer is the receipt, taken in at once."""
    import urllib.request  # only when sending: the window starts without the HTTP client

    raw = package_bytes(store, sequence)
    request = urllib.request.Request(
        address.rstrip("/") + "/goi",
        data=raw,
        method="POST",
        headers={"Content-Type": "application/octet-stream", "X-Thidua-Sha256": package.sha256(raw)},
    )
    with urllib.request.urlopen(request, timeout=SEND_TIMEOUT) as response:
        receipt = response.read(50 * 1024 * 1024)
    store.outbox.mark_delivered(sequence, address)
    return take_receipt(store, receipt, f"biên nhận từ {address}")


def deliver_due(store: Store, address: str, now: _dt.datetime | None = None) -> list[str]:
    """Send every package still without a receipt whose retry time has come; a failure waits longer
    each time (30 s, 1 min, 2 min … up to 1 hour). Returns what happened, one line a package."""
    now = now or _dt.datetime.now().astimezone()
    said = []
    for entry in reversed(store.outbox.entries()):
        if entry.status not in ("waiting", "delivered"):
            continue
        if entry.next_try_at and _dt.datetime.fromisoformat(entry.next_try_at) > now:
            continue
        try:
            said.append(send_http(store, entry.sequence, address))
        except (OSError, PackageRefused) as exc:  # URLError is an OSError
            wait = min(RETRY_BASE_SECONDS * 2**entry.attempts, RETRY_MAX_SECONDS)
            reason = getattr(exc, "reason", None) or exc
            store.outbox.mark_failed(
                entry.sequence, str(reason), (now + _dt.timedelta(seconds=wait)).isoformat(timespec="seconds")
            )
            said.append(f"Gói số {entry.sequence}: chưa gửi được ({reason}); sẽ thử lại sau {wait} giây.")
    return said


# --- removable drives -----------------------------------------------------------------------------


def removable_volumes() -> list[Path]:
    """USB sticks and other removable drives that are mounted now."""
    if sys.platform == "win32":
        import ctypes
        import string

        kernel = ctypes.windll.kernel32
        mask = kernel.GetLogicalDrives()
        found = []
        for i, letter in enumerate(string.ascii_uppercase):
            if mask & (1 << i) and kernel.GetDriveTypeW(f"{letter}:\\") == 2:  # DRIVE_REMOVABLE
                found.append(Path(f"{letter}:\\"))
        return found
    found = []
    try:
        with open("/proc/mounts", encoding="utf-8") as fh:
            for line in fh:
                mount = line.split()[1].replace("\\040", " ")
                if mount.startswith(("/media/", "/run/media/", "/mnt/")):
                    found.append(Path(mount))
    except OSError:
        pass
    return found
