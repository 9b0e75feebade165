"""The level above's HTTP receiver (`upper serve-inbox`): packages arrive whole or not at all.

POST /goi with the package as the body (Content-Length required, X-Thidua-Sha256 optional): the body is
read to its declared length into a temporary file; a body that ends early (the connection dropped) is
thrown away. A whole package is renamed into inbox/, imported, and the answer is its signed receipt.
GET /bien-nhan/<sha256> gives the receipt again, with the decisions made since. Imports run one at a time.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from thidua_desktop import paths
from thidua_desktop.errors import Refused
from thidua_desktop.exchange import package, upper_level
from thidua_desktop.files import atomic_write
from thidua_desktop.store import Store

log = logging.getLogger("thidua.inbox")


class Inbox:
    def __init__(self, db_path: Path, actor: str, on_result: Callable[[str], None] | None = None):
        self.db_path, self.actor, self.on_result = Path(db_path), actor, on_result
        self.lock = threading.Lock()
        self.folder = paths.inbox_dir(self.db_path)

    def receive(self, raw: bytes) -> bytes:
        """Keep the package in inbox/, import it, answer with its receipt."""
        digest = package.sha256(raw)
        header = package.header_of(raw[:4096])
        name = (
            f"thidua-{header.commune_code}-{header.sequence:04d}-{digest[:8]}.tdgoi"
            if header
            else f"{digest[:16]}.tdgoi"
        )
        atomic_write(self.folder / name, raw)
        with self.lock:
            store = Store.open(self.db_path, actor=self.actor)
            try:
                result = upper_level.import_bytes(store, raw, name)
            finally:
                store.close()
        log.info("inbox: %s", result.line())
        if self.on_result:
            self.on_result(result.line())
        return result.receipt or b""

    def receipt(self, digest: str) -> bytes | None:
        with self.lock:
            store = Store.open(self.db_path, actor=self.actor)
            try:
                return upper_level.receipt_again(store, digest)
            finally:
                store.close()


def make_server(inbox: Inbox, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        server_version = "ThiDuaInbox/1"

        def log_message(self, fmt: str, *args) -> None:
            log.info("%s %s", self.address_string(), fmt % args)

        def _answer(self, code: int, body: bytes, kind: str = "application/json") -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _text(self, code: int, text: str) -> None:
            self._answer(code, text.encode("utf-8"), "text/plain; charset=utf-8")

        def do_GET(self) -> None:
            if self.path in ("/", "/ping"):
                self._text(200, "ThiDua: hộp thư đến của cấp trên đang chạy.")
                return
            if self.path.startswith("/bien-nhan/"):
                found = inbox.receipt(self.path.rsplit("/", 1)[1])
                if found:
                    self._answer(200, found)
                else:
                    self._text(404, "Chưa có gói này.")
                return
            self._text(404, "Không có địa chỉ này.")

        def do_POST(self) -> None:
            if self.path != "/goi":
                self._text(404, "Không có địa chỉ này.")
                return
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                self._text(411, "Thiếu độ dài gói (Content-Length).")
                return
            if not 0 < length <= package.MAX_PACKAGE_BYTES:
                self._text(413, "Gói quá lớn hoặc rỗng.")
                return
            raw = bytearray()
            digest = hashlib.sha256()
            while len(raw) < length:
                chunk = self.rfile.read(min(1 << 20, length - len(raw)))
                if not chunk:
                    log.warning("inbox: connection dropped after %d of %d bytes; nothing kept", len(raw), length)
                    self.close_connection = True
                    return
                raw += chunk
                digest.update(chunk)
            claimed = self.headers.get("X-Thidua-Sha256")
            if claimed and claimed != digest.hexdigest():
                self._text(400, "Mã băm của gói không khớp: gói bị hỏng trên đường truyền. Hãy gửi lại.")
                return
            try:
                receipt = inbox.receive(bytes(raw))
            except (Refused, OSError) as exc:
                log.error("inbox: %s", exc)
                self._text(503, f"Cấp trên chưa nhận được gói: {exc}. Hãy gửi lại sau.")
                return
            self._answer(200, receipt)

    return ThreadingHTTPServer((host, port), Handler)
