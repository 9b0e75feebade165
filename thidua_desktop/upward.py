"""The commune's side of the upward trip: the level above's setup, the commune's key, the outbox, and
delivery by folder (a USB stick or a share) or HTTP, and the receipts that close it.

Every package stays in the outbox (with its bytes) until its receipt comes back; delivering it again
is always safe, since the level above takes the same package twice as one.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from . import criteria, dataset, keys, package, paths
from .keys import fingerprint, unb64
from .package import PackageRefused
from .store import Store, StoreError, now_iso

ROLE = "xa"
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
    raw = store.setting("upper_setup")
    if not raw:
        return None
    d = json.loads(raw)
    return Upper(d["name"], d["level"], unb64(d["signing_key"]), unb64(d["box_key"]), d.get("address"))


SETTING_ADDRESS = "upper_address"   # the officer's own address for the level above's receiver


def address(store: Store) -> str | None:
    """Where packages go over HTTP: the address the officer typed, else the one in the setup file."""
    upper = upper_of(store)
    return store.setting(SETTING_ADDRESS) or (upper.address if upper else None)


def _commune_only(store: Store) -> dict:
    if store.is_upper_level():
        raise StoreError(f"Tệp {store.path} là tệp của cấp trên, không phải của xã.")
    commune = store.commune()
    if commune is None:
        raise StoreError(f"Tệp dữ liệu {store.path} chưa có thông tin xã.")
    return commune


def setup_upper(store: Store, raw: bytes, name: str) -> Upper:
    """Trust the level above described by its setup file (and take its criteria set, if it sends one)."""
    _commune_only(store)
    doc, signer = package.read_document(raw, name, "thidua-upper-setup", None)
    if unb64(doc["signing_key"]) != signer:
        raise PackageRefused(f"{name}: tệp thiết lập không do chính cấp trên đó ký.")
    if doc.get("level") not in LEVEL_LABELS:
        raise PackageRefused(f"{name}: cấp '{doc.get('level')}' không hợp lệ (huyện hoặc tỉnh).")
    chosen = None
    if doc.get("criteria_set"):
        chosen = criteria.parse(doc["criteria_set"], f"{name} (bộ tiêu chí)")
        folder = paths.data_dir() / "criteria"
        folder.mkdir(parents=True, exist_ok=True)
        dataset.write_json_atomic(folder / f"{chosen.name}.json", doc["criteria_set"])
    settings = {k: doc.get(k) for k in ("name", "level", "signing_key", "box_key", "address")}
    with store.transaction() as c:
        store.write_setting(c, "upper_setup", json.dumps(settings))
        if chosen:
            store.write_setting(c, criteria.SETTING, chosen.name)
    return upper_of(store)


def own_keys(store: Store) -> keys.KeyPair:
    """The commune's key pair, made on first use and kept in keys/ beside the database."""
    return keys.load(store.path, ROLE) or keys.create(store.path, ROLE, with_box=False)


def replace_key(store: Store) -> keys.KeyPair:
    """A lost or compromised key: a new pair; the level above must confirm the new fingerprint."""
    return keys.replace(store.path, ROLE)


# --- the outbox -------------------------------------------------------------------------------------

@dataclass
class OutboxEntry:
    sequence: int
    file_name: str
    sha256: str
    created_at: str
    households: int
    status: str             # waiting / delivered / received / refused
    delivered_at: str | None
    delivered_to: str | None
    receipt_at: str | None
    receipt_message: str | None
    attempts: int
    last_error: str | None
    next_try_at: str | None


OUTBOX_COLS = ("sequence, file_name, sha256, created_at, households, status, delivered_at, delivered_to, "
               "receipt_at, receipt_message, attempts, last_error, next_try_at")
STATUS_LABELS = {"waiting": "Chờ gửi", "delivered": "Đã chuyển, chờ biên nhận", "received": "Cấp trên đã nhận",
                 "refused": "Cấp trên từ chối"}


def outbox(store: Store) -> list[OutboxEntry]:
    return [OutboxEntry(*r) for r in store.query(f"SELECT {OUTBOX_COLS} FROM outbox ORDER BY sequence DESC")]


def make_package(store: Store) -> OutboxEntry:
    """The next package of the whole commune, placed in the outbox."""
    commune = _commune_only(store)
    upper = upper_of(store)
    if upper is None:
        raise StoreError("Chưa thiết lập cấp trên. Hãy nhận tệp thiết lập của cấp trên (huyện hoặc tỉnh) "
                         "trước khi tạo gói.")
    pair = own_keys(store)
    data = dataset.export_data(store)
    evaluations = [dict(r) for r in store.query(
        "SELECT year, criteria_set, criteria_version, households, eligible, commune_verdict, at FROM evaluation_run "
        "WHERE id IN (SELECT max(id) FROM evaluation_run GROUP BY year) ORDER BY year")]
    with store.transaction() as c:
        last = c.execute("SELECT sequence, sha256 FROM outbox ORDER BY sequence DESC LIMIT 1").fetchone()
        sequence = (last[0] if last else 0) + 1
        chosen = criteria.load_chosen(store)
        raw = package.build(data, sequence, last[1] if last else None, pair.signing, upper.box_key,
                            {"evaluations": evaluations,
                             "criteria_set": {"name": chosen.name, "version": chosen.version}})
        name = package.file_name(commune["code"], _dt.date.today().year, sequence)
        c.execute("INSERT INTO outbox (sequence, file_name, sha256, previous_sha256, created_at, households, package, "
                  "status) VALUES (?, ?, ?, ?, ?, ?, ?, 'waiting')",
                  (sequence, name, package.sha256(raw), last[1] if last else None, now_iso(),
                   len(data["households"]), raw))
    return next(e for e in outbox(store) if e.sequence == sequence)


def package_bytes(store: Store, sequence: int) -> bytes:
    row = store.conn.execute("SELECT package FROM outbox WHERE sequence = ?", (sequence,)).fetchone()
    if row is None or row[0] is None:
        raise StoreError(f"Gói số {sequence} không còn trong hộp thư đi (đã có biên nhận).")
    return bytes(row[0])


def write_to_folder(store: Store, sequence: int, folder: Path) -> Path:
    """Write a package into a folder (a USB stick, a share): under a temporary name, flushed to the
    device, read back and compared, then renamed. Only then is the stick safe to remove."""
    raw = package_bytes(store, sequence)
    name = store.conn.execute("SELECT file_name FROM outbox WHERE sequence = ?", (sequence,)).fetchone()[0]
    folder = Path(folder)
    target = folder / name
    tmp = folder / f".{name}.dang-ghi"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        with open(tmp, "rb") as fh:
            if package.sha256(fh.read()) != package.sha256(raw):
                raise OSError(0, "bản đọc lại khác bản ghi (thiết bị lỗi?)")
        os.replace(tmp, target)
        _fsync_dir(folder)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"Không ghi được gói vào {folder}: {exc.strerror or exc}. Kiểm tra USB hoặc thư mục "
                         "(còn chỗ trống, không bị khóa ghi) rồi thử lại; gói vẫn nằm trong hộp thư đi.") from exc
    _delivered(store, sequence, str(folder))
    return target


def _fsync_dir(folder: Path) -> None:
    if sys.platform != "win32":
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _delivered(store: Store, sequence: int, where: str) -> None:
    with store.transaction() as c:
        c.execute("UPDATE outbox SET status = CASE WHEN status IN ('waiting', 'refused') THEN 'delivered' "
                  "ELSE status END, "
                  "delivered_at = ?, delivered_to = ?, last_error = NULL, next_try_at = NULL WHERE sequence = ?",
                  (now_iso(), where, sequence))


def export_package(store: Store, out_dir: Path) -> Path:
    entry = make_package(store)
    return write_to_folder(store, entry.sequence, out_dir)


# --- receipts -------------------------------------------------------------------------------------

def take_receipt(store: Store, raw: bytes, name: str) -> str:
    """Verify a receipt of the level above and apply it: the package leaves the outbox, and the
    decisions on nominations are written to the nomination list. Returns what happened (Vietnamese)."""
    _commune_only(store)
    upper = upper_of(store)
    if upper is None:
        raise StoreError("Chưa thiết lập cấp trên nên chưa nhận được biên nhận.")
    doc, _ = package.read_document(raw, name, "thidua-receipt", upper.verify_key)
    row = store.conn.execute("SELECT sequence, status FROM outbox WHERE sha256 = ?", (doc["package_sha256"],)).fetchone()
    if row is None:
        raise PackageRefused(f"{name}: biên nhận này không thuộc gói nào của xã (mã băm {doc['package_sha256'][:12]}…).")
    accepted = doc["status"] in ("accepted", "duplicate")
    applied = 0
    with store.transaction() as c:
        c.execute("UPDATE outbox SET status = ?, receipt_at = ?, receipt_message = ?, "
                  "package = CASE WHEN ? THEN NULL ELSE package END, next_try_at = NULL WHERE sequence = ?",
                  ("received" if accepted else "refused", doc["issued_at"], doc["message"], accepted, row[0]))
        for d in doc.get("decisions") or ():
            facts = {"decided": ("decided", d.get("decision_number"), d.get("decision_date"), None),
                     "returned": ("returned", None, None, d.get("comment"))}[d["status"]]
            applied += c.execute(
                "UPDATE nomination SET status = ?, decision_number = coalesce(?, decision_number), "
                "decision_date = coalesce(?, decision_date), comment = coalesce(?, comment) WHERE id = ? AND "
                "(status IS NOT ? OR decision_number IS NOT ? OR comment IS NOT ?)",
                (*facts, d["nomination_id"], facts[0], facts[1], facts[3])).rowcount
    verdict = "đã nhận" if accepted else "từ chối"
    text = f"Gói số {row[0]}: cấp trên {verdict}. {doc['message']}"
    if applied:
        text += f" Đã ghi {applied} quyết định về đề nghị khen thưởng."
    return text


# --- HTTP ---------------------------------------------------------------------------------------

def send_http(store: Store, sequence: int, address: str) -> str:
    """POST one package to the level above's receiver; its answer is the receipt, taken in at once."""
    import urllib.request  # only when sending: the window starts without the HTTP client

    raw = package_bytes(store, sequence)
    request = urllib.request.Request(address.rstrip("/") + "/goi", data=raw, method="POST",
                                     headers={"Content-Type": "application/octet-stream",
                                              "X-Thidua-Sha256": package.sha256(raw)})
    with urllib.request.urlopen(request, timeout=SEND_TIMEOUT) as response:  # noqa: S310 - the officer's URL
        receipt = response.read(50 * 1024 * 1024)
    _delivered(store, sequence, address)
    return take_receipt(store, receipt, f"biên nhận từ {address}")


def retry_now(store: Store, refused_sequence: int | None = None) -> None:
    """The officer asks to send now: no waiting for the next try; a refused package chosen on purpose
    (its commune's key confirmed since, say) goes again too."""
    with store.transaction() as c:
        c.execute("UPDATE outbox SET next_try_at = NULL WHERE status IN ('waiting', 'delivered')")
        if refused_sequence is not None:
            c.execute("UPDATE outbox SET status = 'waiting', next_try_at = NULL WHERE sequence = ? AND status = 'refused'",
                      (refused_sequence,))


def deliver_due(store: Store, address: str, now: _dt.datetime | None = None) -> list[str]:
    """Send every package still without a receipt whose retry time has come; a failure waits longer
    each time (30 s, 1 min, 2 min … up to 1 hour). Returns what happened, one line a package."""
    now = now or _dt.datetime.now().astimezone()
    said = []
    for entry in reversed(outbox(store)):
        if entry.status not in ("waiting", "delivered"):
            continue
        if entry.next_try_at and _dt.datetime.fromisoformat(entry.next_try_at) > now:
            continue
        try:
            said.append(send_http(store, entry.sequence, address))
        except (OSError, PackageRefused) as exc:  # URLError is an OSError
            wait = min(RETRY_BASE_SECONDS * 2 ** entry.attempts, RETRY_MAX_SECONDS)
            reason = getattr(exc, "reason", None) or exc
            with store.transaction() as c:
                c.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_try_at = ? WHERE sequence = ?",
                          (str(reason), (now + _dt.timedelta(seconds=wait)).isoformat(timespec="seconds"),
                           entry.sequence))
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
