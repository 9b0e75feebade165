"""The level above takes in the communes' packages: checked first (nothing written), the summary shown,
then imported on request; or received by the HTTP inbox, which imports each as it comes."""

from __future__ import annotations

import errno
import re
import threading
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from thidua_desktop import settings
from thidua_desktop.exchange import package, upper_level
from thidua_desktop.files import reason
from thidua_desktop.store import Store

from ..common.messages import confirm, show_done, show_error
from ..common.tables import ReadOnlyTable
from ..common.widgets import RangeSpin, add_labelled, button_row, wrapped
from ..common.worker import Worker

RESULT_COLORS = {"accepted": "#dff0d8", "duplicate": "#e7f1ff", "checked": "#dff0d8", "refused": "#f8d7da"}
RESULT_COLUMN = 6
# What the operating system says when the receiver cannot listen, as an officer reads it.
SOCKET_REASONS = {
    errno.EADDRINUSE: "cổng này đang được chương trình khác dùng",
    errno.EADDRNOTAVAIL: "máy này không có địa chỉ đó",
    errno.EACCES: "không được phép mở cổng này",
}


# In the receiver's one-line reports: the fingerprint an unconfirmed package carried, and the command line's
# way of confirming it.
CARRIED_FINGERPRINT = re.compile(r"\s*Mã nhận diện khóa trong gói: [A-Z2-7]{4}(?: [A-Z2-7]{4})*\.")
COMMAND_TRUST = re.compile(r"\(\"Xác nhận khóa\", hoặc lệnh upper trust [^)]*\)")


def window_words(line: str) -> str:
    """A line of the receiver as the window tells it: never the fingerprint an unconfirmed package
    carried (reading it from the screen would skip the phone check), and the button to press."""
    line = CARRIED_FINGERPRINT.sub("", line)
    return COMMAND_TRUST.sub('(bấm "Xác nhận khóa của xã..." ở trang Các xã)', line)


def said_of(result: upper_level.PackageResult) -> str:
    """What became of a package, in the window's words. A commune whose key is not confirmed yet is
    told without the fingerprint its package carried (the commune's officer reads it out over the
    phone) and with this window's button, not the command line's."""
    if result.status == "refused" and result.advice == package.CALL:
        changed = "khóa mới" in result.message
        what = "gửi gói bằng một khóa mới, chưa được xác nhận" if changed else "chưa được xác nhận khóa"
        return (
            f"Từ chối: xã mang mã {result.commune_code or '?'} {what}. Hãy gọi điện cho xã, nhờ cán bộ xã đọc mã "
            'nhận diện (trang Gửi lên cấp trên), rồi bấm "Xác nhận khóa của xã..." ở trang Các xã và gõ mã '
            "vừa nghe. Gói sẽ được kiểm tra lại."
        )
    return window_words(result.line().split(": ", 1)[1])


class ImportPage(QWidget):
    HEADERS = ["Tệp", "Xã", "Gói số", "Số hộ", "Hộ mới", "Hộ thay đổi", "Kết quả"]
    received = Signal(str)  # from the receiver's thread: what became of a package

    def __init__(self, store: Store, on_imported, parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.on_imported = store, on_imported
        self.files: list[Path] = []
        self.server = None
        layout = QVBoxLayout(self)
        layout.addLayout(
            button_row(("&Chọn gói...", self.choose_files), ("Lấy cả thư &mục (USB)...", self.choose_folder))
        )
        net = QHBoxLayout()
        self.host = QLineEdit(settings.INBOX_HOST.get(store))
        # room for a whole address (255.255.255.255), which a stretching row would squeeze to its tail
        self.host.setMinimumWidth(self.host.fontMetrics().horizontalAdvance("255.255.255.255") + 24)
        self.port = RangeSpin(1024, 65535, "Cổng nhận gói")
        self.port.setValue(settings.INBOX_PORT.get(store))
        add_labelled(net, ("Nhận gói qua mạng, đị&a chỉ:", self.host), ("cổng:", self.port))
        self.inbox_button = QPushButton("&Bật hộp thư đến")
        self.inbox_button.clicked.connect(self.toggle_inbox)
        net.addWidget(self.inbox_button)
        net.addStretch(1)
        layout.addLayout(net)
        self.inbox_status = wrapped(
            "Đang tắt. Địa chỉ 127.0.0.1 chỉ nhận từ chính máy này; ghi địa chỉ mạng của máy để nhận từ các xã."
        )
        layout.addWidget(self.inbox_status)
        self.received.connect(self._on_received)
        self.summary = wrapped(
            "Chọn các gói của xã. Gói được kiểm tra trước; chưa có gì được ghi cho đến khi bấm Nhập."
        )
        layout.addWidget(self.summary)
        self.progress = QProgressBar()
        self.progress.hide()
        layout.addWidget(self.progress)
        self.table = ReadOnlyTable(self.HEADERS)
        self.table.opened.connect(self.show_result)
        layout.addWidget(self.table, 1)
        self.results: list[upper_level.PackageResult] = []
        self.import_button = QPushButton("&Nhập các gói hợp lệ và ghi biên nhận")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        row = QHBoxLayout()
        row.addWidget(self.import_button)
        row.addStretch(1)
        layout.addLayout(row)

    # --- the HTTP inbox ---------------------------------------------------------------------------
    def toggle_inbox(self) -> None:
        from thidua_desktop.exchange import inbox

        if self.server is not None:
            self.stop_inbox()
            return
        host, port = self.host.text().strip() or "127.0.0.1", self.port.value()
        try:
            self.server = inbox.make_server(
                inbox.Inbox(self.store.path, self.store.actor, self.received.emit), host, port
            )
        except OSError as exc:
            # The socket's bind, raised as it is by inbox.make_server: a port in use or an address
            # this PC does not have is the officer's to change, not a bug.
            why = SOCKET_REASONS.get(exc.errno or -1) or reason(exc)
            show_error(
                self,
                f"Không mở được hộp thư đến tại {host}:{port}: {why}. Hãy chọn cổng khác, hoặc ghi đúng địa chỉ "
                "mạng của máy này.",
            )
            return
        settings.INBOX_HOST.set(self.store, host)
        settings.INBOX_PORT.set(self.store, port)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.inbox_button.setText("&Tắt hộp thư đến")
        self.inbox_status.setText(f"Đang nhận gói tại http://{host}:{self.server.server_address[1]}")

    def stop_inbox(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        self.inbox_button.setText("&Bật hộp thư đến")
        self.inbox_status.setText("Đang tắt.")

    def _on_received(self, line: str) -> None:
        self.inbox_status.setText(f"Vừa nhận qua mạng: {window_words(line)}")
        self.on_imported()

    # --- packages from files: checked, then imported ----------------------------------------------
    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Chọn gói của xã", "", "Gói ThiDua (*.tdgoi)")
        if files:
            self.check([Path(f) for f in files])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Thư mục chứa gói (USB)")
        if folder:
            self.check(sorted(Path(folder).glob("*.tdgoi")))

    def check(self, files: list[Path]) -> None:
        if not files:
            show_error(self, "Không có gói nào (tệp .tdgoi) ở đó.", "Không có gói")
            return
        self.files = files
        self._run(True)

    def run_import(self) -> None:
        if confirm(
            self,
            "Nhập gói",
            f"Nhập {len(self.files)} gói vào dữ liệu của cấp trên? Biên nhận được ghi vào "
            "cùng thư mục với gói (để xã mang về).",
            yes="Nhập",
            no="Không",
        ):
            self._run(False)

    def _run(self, dry_run: bool) -> None:
        files = list(self.files)
        self.import_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()

        def work(store: Store, progress) -> tuple[bool, list]:
            receipts = None if dry_run else files[0].parent
            return dry_run, upper_level.import_files(store, files, dry_run, receipts, progress)

        Worker(self, self.store, work, self._on_progress, self._on_done, self._on_failed)

    def _on_progress(self, pct: int, text: str) -> None:
        self.progress.setValue(pct)
        self.summary.setText(text)

    def _on_done(self, outcome: tuple[bool, list]) -> None:
        dry_run, results = outcome
        self.progress.hide()
        self.results = results
        self.table.fill(
            [
                [
                    r.name,
                    f"{r.commune_code or ''} {r.commune_name or ''}",
                    r.sequence or "",
                    r.households,
                    r.added,
                    r.changed,
                    said_of(r),
                ]
                for r in results
            ],
            {(i, RESULT_COLUMN): RESULT_COLORS[r.status] for i, r in enumerate(results)},
        )
        good = [r for r in results if r.status in ("checked", "accepted", "duplicate")]
        added = sum(r.added for r in good)
        changed = sum(r.changed for r in good)
        communes = len({r.commune_code for r in good})
        if dry_run:
            self.summary.setText(
                f"Kiểm tra xong: {len(good)}/{len(results)} gói hợp lệ, {communes} xã, {added} hộ mới, "
                f"{changed} hộ thay đổi; {len(results) - len(good)} gói bị từ chối (xem lý do). "
                "Chưa ghi gì."
            )
            self.import_button.setEnabled(any(r.status == "checked" for r in results))
        else:
            self.summary.setText(
                f"Đã nhập {sum(r.status == 'accepted' for r in results)} gói ({added} hộ mới, "
                f"{changed} hộ thay đổi); biên nhận trong {self.files[0].parent}."
            )
        self.on_imported()  # even a check makes known the key an untrusted commune's package carries

    def _on_failed(self, message: str) -> None:
        self.progress.hide()
        show_error(self, message)

    def reload(self) -> None:
        """A key was confirmed (or the file restored): the packages refused for an unconfirmed key are
        checked again, so the list never keeps saying "chưa được xác nhận" of a commune that now is."""
        if self.files and any(r.status == "refused" and r.advice == package.CALL for r in self.results):
            self.summary.setText("Đã có khóa mới được xác nhận: đang kiểm tra lại các gói...")
            self._run(True)

    def show_result(self, row: int) -> None:
        """Enter on a package: what became of it, whole."""
        if 0 <= row < len(self.results):
            r = self.results[row]
            notes = "".join(f"\n- {n}" for n in r.notes)
            show_done(self, f"{r.name}\n{said_of(r)}{notes}", "Gói của xã")
