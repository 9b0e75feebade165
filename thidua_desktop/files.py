"""Writing a file so that a crash, a power cut or a pulled USB stick never leaves half of it.

Every file the program writes goes through `atomic_write`: the bytes (or a library writing to a path)
go to a temporary name beside the target, are flushed to the device, optionally read back and
compared, then renamed over the target, and the folder itself is flushed. On any failure the
temporary file is removed and the target is as it was.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path

from thidua_desktop.errors import Refused

Content = bytes | Callable[[Path], object]

# What the operating system says, as an officer reads it.
_REASONS = {
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EROFS: "ổ đĩa chỉ cho phép đọc (USB bị khóa ghi?)",
    errno.EACCES: "không có quyền ghi vào đó",
    errno.EPERM: "không có quyền ghi vào đó",
    errno.ENOENT: "không tìm thấy tệp hoặc thư mục",
    errno.ENOTDIR: "đường dẫn không phải thư mục",
    errno.EISDIR: "đó là một thư mục, không phải tệp",
    errno.EIO: "lỗi đọc ghi của thiết bị (USB bị rút ra?)",
    errno.ENAMETOOLONG: "tên tệp quá dài",
}


def reason(exc: OSError) -> str:
    """The operating system's error in Vietnamese."""
    return _REASONS.get(exc.errno or -1) or (exc.strerror or str(exc))


class WriteFailed(Refused):
    """A file could not be written; the target is as it was."""

    def __init__(self, target: Path, exc: OSError):
        self.target, self.os_error = target, exc
        super().__init__(f"Không ghi được tệp {target}: {reason(exc)}. Hãy kiểm tra ổ đĩa hoặc thư mục rồi thử lại.")


def read_input(path: Path | str, limit: int, what: str = "tệp") -> bytes:
    """A file a person chose, read whole up to `limit` bytes, or refused in Vietnamese."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise Refused(f"Không đọc được {what} {path}: {reason(exc)}.") from exc
    if len(raw) > limit:
        raise Refused(
            f"{what.capitalize()} {path} quá lớn (hơn {limit // (1024 * 1024)} MB); không phải tệp của ThiDua."
        )
    return raw


def atomic_write(target: Path | str, content: Content, *, read_back: bool = False, private: bool = False) -> Path:
    """Write `content` (bytes, or a function that writes the file at the path it is given) to `target`.

    `read_back` reads the written file again and compares it before the rename (a USB stick that lies
    is caught); `private` makes the file readable by its owner only (keys, databases' copies). A failure
    of the disk or the folder is `WriteFailed`; one of `content`'s own is raised as it is.
    """
    target = Path(target)
    try:
        return _write(target, content, read_back, private)
    except OSError as exc:
        raise WriteFailed(target, exc) from exc


def _write(target: Path, content: Content, read_back: bool, private: bool) -> Path:
    # A unique temporary name: two writers of the same target at once never share one.
    tmp = target.with_name(f".{target.name}.{os.urandom(4).hex()}.tmp")
    try:
        if isinstance(content, bytes):
            fd = os.open(
                tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600 if private else 0o666
            )
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
        else:
            content(tmp)
            if private:
                os.chmod(tmp, 0o600)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        if read_back and isinstance(content, bytes) and _digest(tmp) != _digest_of(content):
            raise OSError(0, "bản đọc lại khác bản ghi (thiết bị lỗi?)")
        os.replace(tmp, target)
        fsync_folder(target.parent)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def fsync_folder(folder: Path) -> None:
    """The rename itself reaches the disk (POSIX; Windows has no directory handles to flush)."""
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _digest_of(content: bytes) -> bytes:
    import hashlib  # loaded at the first write, not while the window opens

    return hashlib.sha256(content).digest()


def _digest(path: Path) -> bytes:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.digest()


def make_private(path: Path) -> None:
    """Readable and writable by its owner only (POSIX): the commune's data, its copies and its keys. On
    Windows the per-user data folder already keeps other users out."""
    if sys.platform != "win32":
        try:
            os.chmod(path, 0o700 if Path(path).is_dir() else 0o600)
        except OSError:
            pass  # a file system without POSIX modes (a FAT stick): nothing to tighten
