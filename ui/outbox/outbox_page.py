"""The commune's outbox: make the package, carry it by USB or a folder, or send it when a connection is
there (a background job retries with growing waits), and take in the receipts."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from thidua_desktop import settings
from thidua_desktop.errors import Refused
from thidua_desktop.exchange import outbox, package
from thidua_desktop.files import read_input
from thidua_desktop.store import Store

from ..common.messages import confirm, run_guarded, show_done, show_error
from ..common.tables import ReadOnlyTable
from ..common.widgets import LoadsWhenShown, add_labelled, button_row, wrapped
from ..common.worker import Worker
from ..register.history import local_time

STATUS_COLORS = {"waiting": "#fff3cd", "delivered": "#e7f1ff", "received": "#dff0d8", "refused": "#f8d7da"}
OVERDUE_COLOR = "#ffcc80"  # delivered long ago and still no receipt: stands out from "waiting"
STATUS_COLUMN = 4
SEND_EVERY_MS = 60_000


ADVICE = "Việc cần làm:"


def advice_of(entry: outbox.OutboxEntry) -> str:
    """What the level above's refusal asks the commune to do ("Việc cần làm: ..."), or its whole message
    when it gives none: the rest of the message is written for the level above's own officer."""
    message = entry.receipt_message or ""
    return message[message.index(ADVICE) :] if ADVICE in message else message


def signed_file(path: str, what: str) -> bytes:
    """A setup file or a receipt the officer chose, read within the command line's bound (or refused)."""
    from thidua_desktop.exchange.package import MAX_SIGNED_FILE

    return read_input(path, MAX_SIGNED_FILE, what)


class OutboxPage(LoadsWhenShown, QWidget):
    data_changed = Signal()
    sent = Signal(list)  # what a sending round said, one line a package
    HEADERS = ["Số", "Tệp", "Tạo lúc", "Số hộ", "Trạng thái", "Đã chuyển tới", "Biên nhận hoặc lỗi"]

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self._sending = False
        self.entries: list[outbox.OutboxEntry] = []
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        upper_box = QGroupBox("Cấp trên nhận dữ liệu")
        upper_layout = QVBoxLayout(upper_box)
        self.upper_label = wrapped()
        upper_layout.addWidget(self.upper_label)
        row = QHBoxLayout()
        setup = QPushButton("N&hận tệp thiết lập của cấp trên...")
        setup.clicked.connect(self.take_setup)
        row.addWidget(setup)
        row.addStretch(1)
        upper_layout.addLayout(row)
        address_row = QHBoxLayout()
        self.address = QLineEdit()
        self.address.setPlaceholderText("ví dụ http://192.168.1.10:8765 (để trống nếu chỉ gửi bằng USB)")
        self.address.editingFinished.connect(self._save_address)
        add_labelled(address_row, ("Địa chỉ nhận qua &mạng:", self.address))
        address_row.setStretch(1, 1)
        upper_layout.addLayout(address_row)
        self.auto = QCheckBox("Tự gửi các gói chưa có biên nhận mỗi khi &có mạng")
        self.auto.toggled.connect(lambda on: run_guarded(self, lambda: settings.AUTO_SEND.set(self.store, on)))
        upper_layout.addWidget(self.auto)
        top.addWidget(upper_box, 3)
        key_box = QGroupBox("Mã nhận diện của xã")
        key_layout = QVBoxLayout(key_box)
        self.fingerprint = QLabel()
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont("monospace")
        font.setPointSize(14)
        font.setBold(True)
        self.fingerprint.setFont(font)
        key_layout.addWidget(self.fingerprint)
        key_layout.addWidget(wrapped("Đọc mã này cho cấp trên qua điện thoại khi gửi gói lần đầu."))
        new_key = QPushButton("Tạo &khóa mới (khi khóa cũ bị mất)...")
        new_key.clicked.connect(self.new_key)
        key_layout.addWidget(new_key)
        top.addWidget(key_box, 2)
        layout.addLayout(top)
        self.table = ReadOnlyTable(self.HEADERS, single=True)
        self.table.opened.connect(self.show_entry)
        self.table.currentCellChanged.connect(lambda *_: self._show_next_step())
        layout.addWidget(self.table, 1)
        # What to do with the chosen package: where the officer looks, with the button for it.
        step = QHBoxLayout()
        self.next_step = wrapped()
        step.addWidget(self.next_step, 1)
        self.resend_button = QPushButton("Gửi &lại gói này (cấp trên đã xác nhận)...")
        self.resend_button.clicked.connect(self.resend)
        step.addWidget(self.resend_button)
        layout.addLayout(step)
        layout.addLayout(
            button_row(
                ("Tạo gói mới (Ctrl+N)", self.make),
                ("Ghi vào &USB...", self.to_usb),
                ("Gh&i vào thư mục...", self.to_folder),
                ("Gửi &qua mạng", self.send_now),
                ("Nhận &biên nhận...", self.take_receipt),
            )
        )
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.make)
        self.status = wrapped()
        layout.addWidget(self.status)
        self.timer = QTimer(self)
        self.timer.setInterval(SEND_EVERY_MS)
        self.timer.timeout.connect(self.send_in_background)
        self.timer.start()

    # --- showing --------------------------------------------------------------------------------
    def reload(self) -> None:
        """The file changed elsewhere (a restore, an import): what the page said of the packages before
        is no longer true."""
        self.status.setText("")
        super().reload()

    def load(self) -> None:
        upper = outbox.upper_of(self.store)
        if upper:
            self.upper_label.setText(
                f"{upper.name} (cấp {outbox.LEVEL_LABELS[upper.level]}). Mã nhận diện của cấp trên: {upper.fingerprint}"
            )
        else:
            self.upper_label.setText(
                "Chưa thiết lập. Cấp trên (huyện trước 1/7/2025, tỉnh từ nay) gửi cho xã một "
                "tệp thiết lập qua USB hoặc thư điện tử."
            )
        self.address.setText(outbox.address(self.store) or "")
        self.auto.blockSignals(True)
        self.auto.setChecked(settings.AUTO_SEND.get(self.store))
        self.auto.blockSignals(False)
        try:
            self.fingerprint.setText(outbox.own_keys(self.store).fingerprint)
        except Refused as exc:
            self.fingerprint.setText("?")
            self.status.setText(str(exc))
        chosen = self.table.current_of(self.entries)
        self.entries = self.store.outbox.entries()
        days, now = settings.RECEIPT_OVERDUE_DAYS.get(self.store), _dt.datetime.now(_dt.UTC)
        self.overdue = {e.sequence for e in self.entries if e.overdue(days, now)}
        colors = {}
        for r, e in enumerate(self.entries):
            colors[(r, STATUS_COLUMN)] = OVERDUE_COLOR if e.sequence in self.overdue else STATUS_COLORS[e.status]
        self.table.fill([self._row(e) for e in self.entries], colors)
        rows = [e.sequence for e in self.entries]
        if self.entries:
            self.table.selectRow(rows.index(chosen.sequence) if chosen and chosen.sequence in rows else 0)
        self._show_next_step()

    def _row(self, e: outbox.OutboxEntry) -> list:
        status = outbox.STATUS_LABELS[e.status]
        if e.sequence in self.overdue:
            status = f"⚠ {status}: quá {settings.RECEIPT_OVERDUE_DAYS.get(self.store)} ngày"
        if e.status == "refused":
            said = f"Cấp trên từ chối. {advice_of(e)}".strip()
        else:
            said = e.receipt_message or (f"Lỗi lần {e.attempts}: {e.last_error}" if e.last_error else "")
        return [
            e.sequence,
            e.file_name,
            local_time(e.created_at, seconds=False),
            e.households,
            status,
            e.delivered_to or "",
            said,
        ]

    def _next_step(self, e: outbox.OutboxEntry) -> str:
        days = settings.RECEIPT_OVERDUE_DAYS.get(self.store)
        if e.status == "refused":
            return (
                f"Cấp trên từ chối gói số {e.sequence}. {advice_of(e)} Bước tiếp theo: nếu cấp trên chỉ chờ xác nhận "
                "mã nhận diện của xã, gọi điện đọc mã cho cấp trên rồi gửi lại chính gói này; nếu phải sửa dữ liệu, "
                "sửa xong tạo gói mới (Ctrl+N). Enter trên dòng này xem lời cấp trên đầy đủ."
            )
        if e.sequence in self.overdue:
            return (
                f"Gói số {e.sequence} đã chuyển đi từ {local_time(e.delivered_at or '', seconds=False)} (hơn {days} "
                "ngày) mà chưa có biên nhận. Hãy gọi hỏi cấp trên đã nhận gói chưa; nếu chưa, ghi lại vào USB "
                "hoặc gửi lại qua mạng."
            )
        return {
            "waiting": f"Gói số {e.sequence} chưa chuyển đi: ghi vào USB, vào thư mục, hoặc gửi qua mạng.",
            "delivered": f"Gói số {e.sequence} đã chuyển tới {e.delivered_to or 'cấp trên'}; đang chờ biên nhận.",
            "received": f"Cấp trên đã nhận gói số {e.sequence}.",
        }.get(e.status, "")

    def _show_next_step(self) -> None:
        chosen = self.table.current_of(self.entries)
        self.next_step.setText(
            self._next_step(chosen) if chosen else "Chưa có gói nào. Tạo gói mới (Ctrl+N) khi đã nhập xong dữ liệu."
        )
        self.resend_button.setVisible(chosen is not None and chosen.status == "refused")

    def show_entry(self, row: int) -> None:
        """Enter on a package: all that is known of it, whole."""
        if not 0 <= row < len(self.entries):
            return
        e = self.entries[row]
        values = self._row(e)
        if e.status == "refused":  # the level above's words whole, as its receipt gave them
            values[-1] = f"Cấp trên từ chối: {e.receipt_message or ''}"
        lines = [f"{h}: {v}" for h, v in zip(self.HEADERS, values) if v not in ("", None)]
        show_done(self, "\n".join(lines + ["", self._next_step(e)]), f"Gói số {e.sequence}")

    def selected(self) -> outbox.OutboxEntry | None:
        """The package on the current row, else the oldest one still waiting for its receipt."""
        chosen = self.table.current_of(self.entries)
        if chosen is not None:
            return chosen
        waiting = [e for e in self.entries if e.status in ("waiting", "delivered")]
        return waiting[0] if waiting else None

    def _done(self, text: str) -> None:
        self.load() if self.isVisible() else super().reload()
        self.status.setText(text)
        self.data_changed.emit()

    def _try(self, action) -> tuple[bool, object]:
        """Run a store action through run_guarded; True and its result when it was done."""
        got = []
        done = run_guarded(self, lambda: got.append(action()))
        return done, got[0] if done else None

    # --- actions ------------------------------------------------------------------------------------
    def _save_address(self) -> None:
        settings.UPPER_ADDRESS.set(self.store, self.address.text().strip() or None)

    def take_setup(self) -> None:
        file, _ = QFileDialog.getOpenFileName(
            self, "Tệp thiết lập của cấp trên", "", "Tệp thiết lập (*.setup *.json);;Mọi tệp (*)"
        )
        if not file:
            return
        current = outbox.upper_of(self.store)
        replace = False
        if current is not None and not self._same_upper(file, current):
            if not confirm(
                self,
                "Thay cấp trên",
                f"Xã đang gửi gói cho {current.name} (mã nhận diện {current.fingerprint}). Tệp vừa chọn là của "
                "một cấp trên khác. Chỉ thay khi xã thật sự chuyển sang gửi cho cấp trên mới và đã gọi điện đối "
                "chiếu mã nhận diện của cấp trên mới. Thay cấp trên?",
                yes="Thay cấp trên",
                no="Không",
            ):
                return
            replace = True
        ok, upper = self._try(
            lambda: outbox.setup_upper(self.store, signed_file(file, "tệp thiết lập"), Path(file).name, replace)
        )
        if ok:
            self._done(
                f"Đã thiết lập cấp trên: {upper.name}. Hãy gọi điện cho cấp trên để đọc đối chiếu mã "
                f"nhận diện {upper.fingerprint}."
            )

    def _same_upper(self, file: str, current) -> bool:
        """Whether the setup file is signed by the level above already trusted (or cannot be read: then
        setting it up says why)."""
        try:
            _doc, signer = package.read_document(
                signed_file(file, "tệp thiết lập"), Path(file).name, "thidua-upper-setup", None
            )
        except Refused:
            return True
        return signer == current.verify_key

    def resend(self) -> None:
        """A refused package sent again once the level above has confirmed the commune's key by phone."""
        chosen = self.table.current_of(self.entries)
        if chosen is None or chosen.status != "refused":
            return
        if not confirm(
            self,
            "Gửi lại gói bị từ chối",
            f"Chỉ gửi lại gói số {chosen.sequence} khi cấp trên đã xác nhận mã nhận diện của xã qua điện thoại "
            "(hoặc đã nói gói này sẽ được nhận). Nếu cấp trên yêu cầu sửa dữ liệu, hãy sửa rồi tạo gói mới. Gửi lại?",
            yes="Gửi lại",
            no="Không",
        ):
            return
        if not run_guarded(self, lambda: self.store.outbox.retry_now(chosen.sequence)):
            return
        if outbox.address(self.store):
            self._done(f"Gói số {chosen.sequence} được gửi lại qua mạng.")
            self.send_in_background(force=True)
        else:
            self._done(f"Gói số {chosen.sequence} lại chờ gửi: ghi vào USB hoặc thư mục để mang lên cấp trên.")

    def new_key(self) -> None:
        if confirm(
            self,
            "Tạo khóa mới",
            "Chỉ làm việc này khi khóa cũ bị mất hoặc lộ. Cấp trên sẽ từ chối các gói mới cho đến khi xác "
            "nhận lại mã nhận diện mới của xã qua điện thoại. Tạo khóa mới?",
            yes="Tạo khóa mới",
            no="Không",
        ):
            if self._try(lambda: outbox.replace_key(self.store))[0]:
                self._done("Đã tạo khóa mới. Hãy gọi điện cho cấp trên và đọc mã nhận diện mới.")

    def make(self) -> None:
        ok, made = self._try(lambda: outbox.make_package(self.store))
        if ok:
            self._done(f"Đã tạo gói số {made.sequence} ({made.households} hộ). Ghi vào USB, thư mục hoặc gửi qua mạng.")

    def to_usb(self) -> None:
        entry = self.selected()
        if entry is None:
            show_error(self, "Chưa có gói nào chờ gửi. Bấm 'Tạo gói mới' trước.", "Chưa có gói")
            return
        volumes = outbox.removable_volumes()
        if not volumes:
            show_error(
                self, "Không thấy USB nào. Cắm USB vào máy rồi thử lại, hoặc dùng 'Ghi vào thư mục'.", "Chưa có USB"
            )
            return
        choice = str(volumes[0])
        if len(volumes) > 1:
            choice, ok = QInputDialog.getItem(self, "Chọn USB", "Ghi gói vào:", [str(v) for v in volumes], 0, False)
            if not ok:
                return
        self._write(entry, Path(choice), usb=True)

    def to_folder(self) -> None:
        entry = self.selected()
        if entry is None:
            show_error(self, "Chưa có gói nào chờ gửi. Bấm 'Tạo gói mới' trước.", "Chưa có gói")
            return
        folder = QFileDialog.getExistingDirectory(
            self, "Ghi gói vào thư mục", settings.PACKAGE_FOLDER.get(self.store) or str(Path.home())
        )
        if folder:
            settings.PACKAGE_FOLDER.set(self.store, folder)
            self._write(entry, Path(folder), usb=False)

    def _write(self, entry: outbox.OutboxEntry, folder: Path, usb: bool) -> None:
        ok, written = self._try(lambda: outbox.write_to_folder(self.store, entry.sequence, folder))
        if ok:
            tail = " Đã ghi xong và kiểm tra lại: có thể rút USB ra an toàn." if usb else ""
            self._done(f"Đã ghi gói số {entry.sequence} vào {written}.{tail}")

    def take_receipt(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Biên nhận của cấp trên", "", "Biên nhận (*.json)")
        said = []
        for file in files:
            ok, told = self._try(
                lambda f=file: outbox.take_receipt(self.store, signed_file(f, "biên nhận"), Path(f).name)
            )
            if not ok:
                break
            said.append(told)
        if said:
            self._done("\n".join(said))

    # --- sending over the network, in the background ------------------------------------------------
    def send_now(self) -> None:
        if not outbox.address(self.store):
            show_error(
                self,
                "Chưa có địa chỉ nhận qua mạng của cấp trên. Ghi địa chỉ ở trên, hoặc gửi bằng USB.",
                "Chưa có địa chỉ",
            )
            return
        chosen = self.selected()
        self.store.outbox.retry_now(chosen.sequence if chosen and chosen.status == "refused" else None)
        self.send_in_background(force=True)

    def send_in_background(self, force: bool = False) -> None:
        address = outbox.address(self.store)
        if self._sending or not address or not (force or settings.AUTO_SEND.get(self.store)):
            return
        if not any(e.status in ("waiting", "delivered") for e in self.store.outbox.entries()):
            return
        self._sending = True
        self.status.setText("Đang gửi các gói chưa có biên nhận...")

        def work(store: Store, progress) -> list[str]:
            return outbox.deliver_due(store, address)

        Worker(self, self.store, work, self._progress, self._on_sent, self._on_failed)

    def _progress(self, pct: int, text: str) -> None:
        self.status.setText(text)

    def _on_sent(self, said: list[str]) -> None:
        self._sending = False
        if said:
            self._done("\n".join(said))
        else:  # nothing went: nothing changed, and the other pages are left as they are
            self.status.setText("Không có gói nào đến lượt gửi.")
        self.sent.emit(said)

    def _on_failed(self, message: str) -> None:
        self._sending = False
        self._done(f"Chưa gửi được: {message}")
        self.sent.emit([message])
