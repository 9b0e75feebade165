"""The level above's HTTP receiver (`upper serve-inbox`): packages arrive whole or not at all.

POST /goi with the package as the body (Content-Length required, at most `package.MAX_PACKAGE_BYTES`;
X-Thidua-Sha256 optional): the body is streamed to its own temporary file in inbox/ (memory stays flat
whatever arrives, and parallel posts never share a name); a body that ends early (the connection
dropped, or went idle) is thrown away. A whole package is imported — one import at a time — and the
answer is its signed receipt; a refused package's body is deleted, a taken one is kept in inbox/.
GET /bien-nhan/<sha256> gives the receipt again, with the decisions made since.

Every request gets an answer with a status and a Vietnamese reason, malformed ones included; a bug
while answering is logged with its traceback and answered 500, and the receiver goes on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from thidua_desktop import paths
from thidua_desktop.errors import Refused, log_bug
from thidua_desktop.exchange import package, upper_level
from thidua_desktop.files import fsync_folder, reason
from thidua_desktop.store import Store

log = logging.getLogger("thidua.inbox")

IDLE_SECONDS = 60  # a connection that sends nothing for this long is closed
MAX_RECEIVING = 8  # bodies streamed to disk at once; the others are asked to come back later
CHUNK = 1 << 20
SHA256 = re.compile(r"[0-9a-f]{64}")


class Inbox:
    def __init__(self, db_path: Path, actor: str, on_result: Callable[[str], None] | None = None):
        self.db_path, self.actor, self.on_result = Path(db_path), actor, on_result
        self.lock = threading.Lock()  # one import at a time: the upper file has one writer
        self.receiving = threading.BoundedSemaphore(MAX_RECEIVING)
        self.folder = paths.inbox_dir(self.db_path)
        for left in self.folder.glob(".nhan-*.part"):  # bodies a stopped receiver was still reading
            left.unlink(missing_ok=True)

    def receive_file(self, body: Path) -> tuple[upper_level.PackageResult, Path | None]:
        """Import a whole body written to `body`; keep it in inbox/ when taken, delete it when refused.
        Bodies are read one at a time (under the lock): memory holds one package, however many arrive."""
        with self.lock:
            raw = body.read_bytes()
            digest = package.sha256(raw)
            header = package.header_of(raw[:4096])
            name = (
                f"thidua-{header.commune_code}-{header.sequence:04d}-{digest[:8]}.tdgoi"
                if header
                else f"{digest[:16]}.tdgoi"
            )
            store = Store.open(self.db_path, actor=self.actor)
            try:
                result = upper_level.import_bytes(store, raw, name)
            finally:
                store.close()
        kept = None
        if result.status in ("accepted", "duplicate"):
            kept = self.folder / name
            os.replace(body, kept)
            fsync_folder(self.folder)
        else:
            body.unlink(missing_ok=True)
        log.info("inbox: %s", result.line())
        if self.on_result:
            self.on_result(result.line())
        return result, kept

    def receive(self, raw: bytes) -> bytes:
        """A whole body held in memory (tests, scripts): as if it had arrived over HTTP."""
        body = self.folder / f".nhan-{uuid.uuid4().hex}.part"
        body.write_bytes(raw)
        return self.receive_file(body)[0].receipt or b""

    def receipt(self, digest: str) -> bytes | None:
        with self.lock:
            store = Store.open(self.db_path, actor=self.actor)
            try:
                return upper_level.receipt_again(store, digest)
            finally:
                store.close()


class _Handler(BaseHTTPRequestHandler):
    server_version = "ThiDuaInbox/1"
    timeout = IDLE_SECONDS  # the socket's: an idle sender is closed, not waited for forever
    inbox: Inbox

    def log_message(self, format: str, *args) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed requests (a bad request line, headers too long): a short Vietnamese answer, no HTML."""
        try:
            self._text(code, f"Yêu cầu không hợp lệ ({code}). Hộp thư chỉ nhận gói ThiDua gửi tới /goi.")
        except OSError:
            pass  # the sender is gone

    def _answer(self, code: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if code >= 400:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def _text(self, code: int, text: str) -> None:
        self._answer(code, text.encode("utf-8"), "text/plain; charset=utf-8")

    def _guarded(self, answer: Callable[[], None]) -> None:
        try:
            answer()
        except (ConnectionError, TimeoutError):
            self.close_connection = True  # the sender went away: nobody to answer
        except Exception as exc:  # noqa: BLE001 - one request's bug must not stop the receiver
            log_bug(exc, f"inbox {self.command} {self.path[:100]}")
            try:
                self._text(500, "Cấp trên gặp lỗi không mong muốn khi nhận gói (đã ghi vào nhật ký). Hãy gửi lại sau.")
            except OSError:
                pass

    def do_GET(self) -> None:
        self._guarded(self._get)

    def do_POST(self) -> None:
        self._guarded(self._post)

    def _get(self) -> None:
        if self.path in ("/", "/ping"):
            self._text(200, "ThiDua: hộp thư đến của cấp trên đang chạy.")
        elif self.path.startswith("/bien-nhan/"):
            digest = self.path.rsplit("/", 1)[1]
            found = self.inbox.receipt(digest) if SHA256.fullmatch(digest) else None
            if found:
                self._answer(200, found)
            else:
                self._text(404, "Chưa có gói này.")
        else:
            self._text(404, "Không có địa chỉ này.")

    def _post(self) -> None:
        if self.path != "/goi":
            self._text(404, "Không có địa chỉ này.")
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._text(411, "Thiếu độ dài gói (Content-Length).")
            return
        if not 0 < length <= package.MAX_PACKAGE_BYTES:
            limit = package.MAX_PACKAGE_BYTES // (1024 * 1024)
            self._text(413, f"Gói rỗng hoặc quá lớn (tối đa {limit} MB). Không nhận.")
            return
        if not self.inbox.receiving.acquire(blocking=False):
            self._text(503, "Cấp trên đang nhận nhiều gói cùng lúc. Chương trình sẽ tự gửi lại sau ít phút.")
            return
        try:
            body = self._stream_body(length)
        finally:
            self.inbox.receiving.release()
        if body is None:
            return
        result, _ = self.inbox.receive_file(body)
        if result.receipt is not None:
            self._answer(200, result.receipt)
        else:  # not a package of ours: there is no commune to sign a receipt for
            self._text(422, result.message)

    def _stream_body(self, length: int) -> Path | None:
        """The body in its own temporary file, or None (already answered, or the sender is gone)."""
        body = self.inbox.folder / f".nhan-{uuid.uuid4().hex}.part"
        digest = hashlib.sha256()
        done = 0
        try:
            with open(body, "wb") as fh:
                while done < length:
                    chunk = self.rfile.read(min(CHUNK, length - done))
                    if not chunk:
                        log.warning("inbox: connection dropped after %d of %d bytes; nothing kept", done, length)
                        self.close_connection = True
                        body.unlink(missing_ok=True)
                        return None
                    fh.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                fh.flush()
                os.fsync(fh.fileno())
        except TimeoutError:
            body.unlink(missing_ok=True)
            log.warning("inbox: sender idle after %d of %d bytes; nothing kept", done, length)
            self._text(408, "Đường truyền bị ngắt quãng quá lâu; gói chưa được nhận. Hãy gửi lại.")
            return None
        except OSError as exc:
            body.unlink(missing_ok=True)
            self._text(503, f"Cấp trên chưa ghi được gói ({reason(exc)}). Hãy gửi lại sau.")
            return None
        claimed = self.headers.get("X-Thidua-Sha256")
        if claimed and claimed.lower() != digest.hexdigest():
            body.unlink(missing_ok=True)
            self._text(400, "Mã băm của gói không khớp: gói bị hỏng trên đường truyền. Hãy gửi lại.")
            return None
        return body


def make_server(inbox: Inbox, host: str, port: int) -> ThreadingHTTPServer:
    """The receiver bound to `host:port` (not yet serving); a busy port or a wrong address is refused."""
    handler = type("InboxHandler", (_Handler,), {"inbox": inbox})
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise Refused(
            f"Không mở được hộp thư đến tại {host}:{port}: {reason(exc)}. Cổng có thể đang được chương trình khác "
            "dùng, hoặc địa chỉ không thuộc máy này; hãy chọn cổng khác."
        ) from exc
    server.daemon_threads = True  # a stuck sender never keeps the program from quitting
    return server
