"""Key pairs of a commune and of the level above (PyNaCl: Ed25519 signatures, Curve25519 sealed boxes).

A key file sits in `keys/` beside the database it belongs to (the data folder for the default file),
readable by its owner only. The fingerprint is what two people read to each other over the phone: the
first 100 bits of the SHA-256 of the public signing key, in base32 (letters and the digits 2-7), in
five groups of four.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from nacl.public import PrivateKey
from nacl.signing import SigningKey

from thidua_desktop import paths
from thidua_desktop.errors import Refused
from thidua_desktop.files import atomic_write


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def fingerprint(verify_key: bytes) -> str:
    """'K7QD M2XA 4PLE RT6B WN3C': read over the phone to confirm a key."""
    text = base64.b32encode(hashlib.sha256(verify_key).digest()).decode("ascii")[:20]
    return " ".join(text[i : i + 4] for i in range(0, 20, 4))


def same_fingerprint(a: str, b: str) -> bool:
    """Typed with or without spaces or dashes, in any case."""

    def norm(s: str) -> str:
        return "".join(ch for ch in s.upper() if ch.isalnum())

    return norm(a) == norm(b)


@dataclass
class KeyPair:
    """Signing key (both sides) and box key (the level above: packages are sealed to it)."""

    signing: SigningKey
    box: PrivateKey | None = None

    @property
    def verify_key(self) -> bytes:
        return bytes(self.signing.verify_key)

    @property
    def box_public(self) -> bytes | None:
        return bytes(self.box.public_key) if self.box else None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.verify_key)


def key_path(db_path: Path, role: str) -> Path:
    """keys/<database name>-<role>.key beside the database."""
    return paths.keys_dir(db_path) / f"{Path(db_path).stem}-{role}.key"


def create(db_path: Path, role: str, with_box: bool) -> KeyPair:
    """A new key pair written to its file (refused if one is there: replacing a key is `replace`)."""
    path = key_path(db_path, role)
    if path.exists():
        raise Refused(f"Đã có khóa tại {path}; không tạo khóa mới đè lên khóa cũ.")
    pair = KeyPair(SigningKey.generate(), PrivateKey.generate() if with_box else None)
    _write(path, pair, role)
    return pair


def replace(db_path: Path, role: str) -> KeyPair:
    """A commune's lost or compromised signing key: the old file is kept aside (renamed) and a new pair
    written; the level above refuses the new key until it confirms its fingerprint again."""
    path = key_path(db_path, role)
    if path.exists():
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path.rename(path.with_name(f"{path.stem}-cu-{stamp}.key"))
    pair = KeyPair(SigningKey.generate())
    _write(path, pair, role)
    return pair


def load(db_path: Path, role: str) -> KeyPair | None:
    path = key_path(db_path, role)
    if not path.exists():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        box = PrivateKey(unb64(raw["box"])) if raw.get("box") else None
        return KeyPair(SigningKey(unb64(raw["signing"])), box)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise Refused(
            f"Không đọc được tệp khóa {path}: {exc}. Nếu tệp bị hỏng, hãy khôi phục từ bản "
            "sao lưu hoặc tạo khóa mới (cấp trên phải xác nhận lại)."
        ) from exc


def _write(path: Path, pair: KeyPair, role: str) -> None:
    payload = {
        "role": role,
        "created_at": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "signing": b64(bytes(pair.signing)),
        "box": b64(bytes(pair.box)) if pair.box else None,
        "fingerprint": pair.fingerprint,
    }
    atomic_write(path, json.dumps(payload, indent=1).encode("ascii"), private=True)
