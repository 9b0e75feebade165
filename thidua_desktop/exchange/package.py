"""The upward package, the receipt that answers it, and the level above's setup file.

A package file is a short public header line and a sealed box (PyNaCl, to the level above's public
key) holding the commune's public signing key, its Ed25519 signature and the signed ZIP of two members:
manifest.json and dataset.json. A lost stick shows only the commune code and the sequence number.

Nothing inside is read before its signature checks: against the key the level above trusts for the
commune, or, for a commune not trusted yet (or whose key changed), against the key it carries, whose
fingerprint alone is then reported for the phone check. The ZIP is read in memory, member by member
with bounded sizes, and its JSON under the limits of `safejson`; nothing from it is ever written under
a name it carries.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import json
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey, VerifyKey

from thidua_desktop import __version__, safejson
from thidua_desktop.errors import Refused
from thidua_desktop.exchange.keys import b64, fingerprint, unb64

MAGIC = b"THIDUA-PACKAGE\n"
FORMAT_VERSION = 2  # 2: the sender's key before the signature, so that it is checked before reading
MEMBERS = ("manifest.json", "dataset.json")
MAX_PACKAGE_BYTES = 64 * 1024 * 1024  # a commune of 20,000 households is a few MB
MAX_MEMBER_BYTES = 256 * 1024 * 1024  # uncompressed; more is a decompression bomb
MAX_SIGNED_FILE = 8 * 1024 * 1024  # a setup file (with its criteria set) or a receipt is a few kB
MAX_RATIO = 200  # JSON compresses ~10x; 200x is not data


RESEND = "Hãy tạo một gói mới (gói luôn chứa toàn bộ dữ liệu hiện có của xã) rồi gửi lại."
CALL = (
    "Hãy gọi điện cho cấp trên, đọc mã nhận diện của xã (trang Gửi lên cấp trên) để cấp trên xác nhận, "
    "rồi gửi lại gói này."
)


class PackageRefused(Refused):
    """The package cannot be taken; the message says why, in Vietnamese. Nothing was written. `advice`
    is what the commune should do next; it travels back in the receipt."""

    def __init__(self, message: str, advice: str = RESEND):
        super().__init__(message)
        self.advice = advice


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def now_iso() -> str:
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


def file_name(commune_code: str, year: int, sequence: int) -> str:
    return f"thidua-{commune_code}-{year}-{sequence:04d}.tdgoi"


# --- making a package (the commune) ----------------------------------------------------------------


def build(
    data: dict,
    sequence: int,
    previous_sha256: str | None,
    signing: SigningKey,
    upper_box: bytes,
    extra: dict | None = None,
) -> bytes:
    """The package bytes of a whole dataset."""
    dataset_bytes = canonical(data)
    manifest = {
        "format": "thidua-package",
        "version": FORMAT_VERSION,
        "commune_code": data["commune"]["code"],
        "commune_name": data["commune"]["name"],
        "sequence": sequence,
        "previous_sha256": previous_sha256,
        "created_at": now_iso(),
        "application_version": __version__,
        "sender_key": b64(bytes(signing.verify_key)),
        "recipient": fingerprint(upper_box),
        "years": sorted({r["year"] for h in data["households"] for r in h["years"]}),
        "counts": {
            "villages": len(data["villages"]),
            "households": len(data["households"]),
            "records": sum(len(h["years"]) for h in data["households"]),
            "meetings": len(data["meetings"]),
            "nominations": len(data.get("nominations") or []),
        },
        "members": {"dataset.json": sha256(dataset_bytes)},
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("manifest.json", canonical(manifest))
        z.writestr("dataset.json", dataset_bytes)
    signed = signing.sign(buffer.getvalue())
    sealed = SealedBox(PublicKey(upper_box)).encrypt(bytes(signing.verify_key) + bytes(signed))
    header = canonical(
        {
            "format": "thidua-package",
            "version": FORMAT_VERSION,
            "commune_code": manifest["commune_code"],
            "sequence": sequence,
            "recipient": manifest["recipient"],
            "length": len(sealed),
        }
    )
    return MAGIC + header + b"\n" + sealed


# --- opening a package (the level above) ---------------------------------------------------------------


@dataclass
class Header:
    commune_code: str
    sequence: int
    recipient: str
    length: int
    version: Any = FORMAT_VERSION


@dataclass
class Opened:
    header: Header
    sha256: str
    manifest: dict
    dataset: dict
    sender_key: bytes


def _parse_header(line: bytes) -> Header | None:
    """The public header line, or None when it is not one of ours (anything can be written there)."""
    if len(line) > 1024:
        return None
    try:
        h = safejson.loads(line, "phần đầu")
    except Refused:
        return None
    if not isinstance(h, dict) or h.get("format") != "thidua-package" or canonical(h) != line:
        return None  # only the exact line a package is written with: a changed byte is a changed package
    code, sequence, recipient, length = (h.get(k) for k in ("commune_code", "sequence", "recipient", "length"))
    if not (isinstance(code, str) and len(code) == 5 and code.isascii() and code.isdigit()):
        return None
    if not (_whole(sequence, 1, 10**9) and _whole(length, 0, MAX_PACKAGE_BYTES)):
        return None
    if not (isinstance(recipient, str) and len(recipient) <= 64):
        return None
    return Header(code, sequence, recipient, length, version=h.get("version"))  # type: ignore[arg-type]  # checked


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def header_of(start: bytes) -> Header | None:
    """The public header at the start of a package (None: not a package)."""
    if not start.startswith(MAGIC):
        return None
    return _parse_header(start[len(MAGIC) :].partition(b"\n")[0])


def peek(path) -> Header | None:
    """The public header of a package file without reading the rest."""
    with open(path, "rb") as fh:
        return header_of(fh.read(4096))


def read_header(raw: bytes, name: str) -> tuple[Header, bytes]:
    if len(raw) > MAX_PACKAGE_BYTES:
        raise PackageRefused(
            f"{name}: gói quá lớn ({len(raw) / 1e6:.0f} MB, tối đa {MAX_PACKAGE_BYTES / 1e6:.0f} MB). Không nhận."
        )
    if not raw.startswith(MAGIC):
        raise PackageRefused(f"{name}: không phải gói dữ liệu ThiDua.")
    line, sep, sealed = raw[len(MAGIC) :].partition(b"\n")
    header = _parse_header(line)
    if header is None:
        raise PackageRefused(f"{name}: phần đầu của gói bị hỏng; hãy chép lại gói từ máy của xã.")
    if not sep or len(sealed) < header.length:
        raise PackageRefused(
            f"{name}: gói bị cắt cụt (thiếu {header.length - len(sealed)} byte); tệp chưa chép "
            "hết. Hãy chép lại gói từ máy của xã."
        )
    if len(sealed) > header.length:
        raise PackageRefused(f"{name}: gói có thêm dữ liệu lạ ở cuối; gói đã bị thay đổi. Không nhận.")
    if header.version != FORMAT_VERSION:
        raise PackageRefused(
            f"{name}: gói theo định dạng phiên bản {str(header.version)[:10]}, chương trình này đọc phiên bản "
            f"{FORMAT_VERSION}. Không nhận.",
            "Hãy cài phiên bản mới nhất của chương trình ở xã (hoặc ở cấp trên), rồi tạo và gửi lại gói.",
        )
    return header, sealed


def open_package(raw: bytes, name: str, box: PrivateKey, trusted_key: bytes | None) -> Opened:
    """Decrypt, verify and read a package. `trusted_key` is the commune's confirmed signing key (None:
    not yet trusted, and the package is refused naming the fingerprint of the key it carries)."""
    header, sealed = read_header(raw, name)
    own = fingerprint(bytes(box.public_key))
    if header.recipient != own:
        raise PackageRefused(
            f"{name}: gói được mã hóa cho một đơn vị khác (mã nhận diện {header.recipient}), "
            f"không phải đơn vị này ({own}). Xã cần nhận tệp thiết lập của đơn vị này.",
            "Hãy nhận lại tệp thiết lập của cấp trên này, rồi tạo và gửi lại gói.",
        )
    try:
        opened = SealedBox(box).decrypt(sealed)
    except CryptoError:
        raise PackageRefused(
            f"{name}: gói đã bị thay đổi hoặc hỏng trên đường đi (không giải mã được). Hãy chép lại gói từ máy của xã."
        ) from None
    carried, signature, body = opened[:32], opened[32:96], opened[96:]
    if len(opened) < 96 or not _signed_by(carried, body, signature):
        raise PackageRefused(f"{name}: chữ ký của xã {header.commune_code} không đúng; gói đã bị thay đổi. Không nhận.")
    if trusted_key is None or carried != trusted_key:
        raise UntrustedCommune(header.commune_code, fingerprint(carried), carried, changed=trusted_key is not None)
    members = _read_zip(body, name)
    manifest = _json_member(members, "manifest.json", name)
    if not isinstance(manifest, dict) or (
        manifest.get("commune_code"),
        manifest.get("sequence"),
        manifest.get("recipient"),
        manifest.get("sender_key"),
    ) != (header.commune_code, header.sequence, header.recipient, b64(carried)):
        raise PackageRefused(f"{name}: phần đầu của gói không khớp với bản kê đã ký; gói đã bị thay đổi.")
    if manifest.get("version") != FORMAT_VERSION:
        raise PackageRefused(
            f"{name}: gói theo định dạng phiên bản {str(manifest.get('version'))[:10]}, chương trình này "
            f"đọc phiên bản {FORMAT_VERSION}. Hãy cập nhật chương trình."
        )
    listed = manifest.get("members")
    if not isinstance(listed, dict) or set(listed) != {"dataset.json"}:
        raise PackageRefused(f"{name}: bản kê của gói không liệt kê đúng các thành phần của gói.")
    if sha256(members["dataset.json"]) != listed["dataset.json"]:
        raise PackageRefused(f"{name}: mã băm của dataset.json không khớp với bản kê; gói đã bị thay đổi.")
    data = _json_member(members, "dataset.json", name)
    return Opened(header, sha256(raw), manifest, data, trusted_key)


def _signed_by(key: bytes, body: bytes, signature: bytes) -> bool:
    try:
        VerifyKey(key).verify(body, signature)
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True


def _json_member(members: dict[str, bytes], member: str, name: str) -> Any:
    try:
        return safejson.loads(members[member], f"{name} ({member})")
    except Refused as exc:
        raise PackageRefused(str(exc)) from None


class UntrustedCommune(PackageRefused):
    """A commune whose key the level above has not confirmed (or whose key changed)."""

    def __init__(self, code: str, fp: str, key: bytes, changed: bool = False):
        self.code, self.fingerprint, self.key, self.changed = code, fp, key, changed
        what = "đã đổi khóa" if changed else "chưa được xác nhận"
        super().__init__(
            f"Xã {code} {what}. Mã nhận diện khóa trong gói: {fp}. Hãy gọi điện cho xã, nhờ cán bộ xã đọc mã "
            f'nhận diện của xã để đối chiếu, rồi xác nhận (upper trust {code} --fingerprint "{fp}").',
            CALL,
        )


def _read_zip(body: bytes, name: str, only: str | None = None) -> dict[str, bytes]:
    try:
        z = zipfile.ZipFile(io.BytesIO(body))
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, EOFError):
        raise PackageRefused(f"{name}: nội dung gói không phải tệp nén hợp lệ.") from None
    with z:
        infos = z.infolist()
        names = [i.filename for i in infos]
        for n in names:
            if n not in MEMBERS:
                raise PackageRefused(
                    f"{name}: gói chứa tệp lạ '{n}' (tên có đường dẫn hoặc không thuộc gói). "
                    "Không nhận: có thể là gói giả mạo."
                )
        if len(set(names)) != len(names) or set(names) != set(MEMBERS):
            raise PackageRefused(f"{name}: gói thiếu hoặc lặp thành phần (cần đúng {', '.join(MEMBERS)}).")
        out = {}
        for info in infos:
            if only and info.filename != only:
                continue
            if info.file_size > MAX_MEMBER_BYTES or info.file_size > MAX_RATIO * max(info.compress_size, 1) + 65536:
                raise _bomb(name, info.filename)
            try:
                with z.open(info) as fh:
                    data = fh.read(MAX_MEMBER_BYTES + 1)  # never trust the declared size alone
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError, ValueError, zlib.error):
                # a wrong CRC, an "encrypted" flag, an unknown compression method, a truncated member
                raise PackageRefused(f"{name}: thành phần {info.filename} của gói bị hỏng. Không nhận.") from None
            if len(data) > MAX_MEMBER_BYTES or len(data) != info.file_size:
                raise _bomb(name, info.filename)
            out[info.filename] = data
        return out


def _bomb(name: str, member: str) -> PackageRefused:
    return PackageRefused(f"{name}: thành phần {member} khi giải nén lớn bất thường (bom giải nén). Không nhận.")


# --- receipts and setup files: signed JSON -------------------------------------------------------------


def sign_document(doc: dict, signing: SigningKey) -> bytes:
    body = canonical(doc)
    return canonical(
        {"document": doc, "signature": b64(signing.sign(body).signature), "signer": b64(bytes(signing.verify_key))}
    )


def read_document(raw: bytes, name: str, kind: str, expected_signer: bytes | None) -> tuple[dict, bytes]:
    """A signed document of the given kind; with `expected_signer`, only that key's signature counts."""
    if len(raw) > MAX_SIGNED_FILE:
        raise PackageRefused(f"{name}: tệp quá lớn, không phải {KIND_LABELS.get(kind, kind)} của ThiDua.")
    try:
        outer = safejson.loads(raw, name, nfc=False)
        doc, signature, signer = outer["document"], unb64(outer["signature"]), unb64(outer["signer"])
        if not isinstance(doc, dict) or len(signer) != 32 or len(signature) != 64:
            raise ValueError
    except (Refused, ValueError, KeyError, TypeError, AttributeError):
        raise PackageRefused(f"{name}: không phải tệp {KIND_LABELS.get(kind, kind)} của ThiDua.") from None
    if doc.get("format") != kind:
        raise PackageRefused(f"{name}: không phải tệp {KIND_LABELS.get(kind, kind)} của ThiDua.")
    if expected_signer is not None and signer != expected_signer:
        raise PackageRefused(
            f"{name}: {KIND_LABELS[kind]} không do cấp trên đã thiết lập ký (mã nhận diện "
            f"{fingerprint(signer)}). Không nhận."
        )
    if not _signed_by(signer, canonical(doc), signature):
        raise PackageRefused(f"{name}: chữ ký của {KIND_LABELS[kind]} không đúng; tệp đã bị thay đổi.") from None
    return doc, signer


KIND_LABELS = {"thidua-receipt": "biên nhận", "thidua-upper-setup": "thiết lập cấp trên"}
