"""The level above's window: the communes and their keys, importing packages (checked first, then
written), the year's overview, and the nominations received."""

from __future__ import annotations

import datetime as _dt
import threading
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from thidua_desktop import domain, settings
from thidua_desktop.documents import upper_report
from thidua_desktop.errors import Refused
from thidua_desktop.evaluation import criteria, nominations
from thidua_desktop.exchange import upper_level
from thidua_desktop.files import atomic_write
from thidua_desktop.store import Store
from thidua_desktop.text import format_percent

from ..common.widgets import (
    LoadsWhenShown,
    add_labelled,
    bring_forward,
    button_row,
    confirm,
    latest_year_spin,
    ok_cancel,
    run_guarded,
    show_error,
)
from ..common.worker import Worker
from ..nominations.nominations_page import DecisionDialog

COMPLETENESS_COLORS = {"sent": "#dff0d8", "late": "#fff3cd", "missing": "#f8d7da", "untrusted": "#eeeeee"}
RESULT_COLORS = {"accepted": "#dff0d8", "duplicate": "#e7f1ff", "checked": "#dff0d8", "refused": "#f8d7da"}


def fill(table: QTableWidget, rows: list[list], colors: dict[int, str] | None = None, color_col: int = -1) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem("" if value is None else str(value))
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if colors and c == color_col and r in colors:
                item.setBackground(QColor(colors[r]))
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    # the last column holds the long texts (reasons): it takes the rest of the width and wraps
    table.horizontalHeader().setSectionResizeMode(table.columnCount() - 1, QHeaderView.ResizeMode.Stretch)
    table.resizeRowsToContents()


def table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setWordWrap(True)
    return t


def year_bar(store: Store, layout: QVBoxLayout, on_change=None) -> QSpinBox:
    """The year a page shows (last year by default: what communes send now), in a bar of its own."""
    bar = QHBoxLayout()
    year = latest_year_spin(store)
    year.setValue(_dt.date.today().year - 1)
    if on_change:
        year.valueChanged.connect(on_change)
    add_labelled(bar, ("&Năm:", year))
    bar.addStretch(1)
    layout.addLayout(bar)
    return year


class CommunesPage(LoadsWhenShown, QWidget):
    HEADERS = ["Mã xã", "Tên xã", "Khóa", "Mã nhận diện", "Gói cuối", "Thời điểm", "Tình hình năm", "Thuộc xã mới"]

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        layout = QVBoxLayout(self)
        self.year = year_bar(store, layout, self.reload)
        self.table = table(self.HEADERS)
        layout.addWidget(self.table, 1)
        layout.addLayout(
            button_row(
                ("&Xác nhận khóa của xã...", self.trust),
                ("Ghi tệp &thiết lập cho xã...", self.save_setup),
                ("Ghi &biên nhận mới cho xã...", self.save_receipt),
            )
        )
        self.rows: list[upper_level.CommuneRow] = []

    def load(self) -> None:
        state = {row.code: s for row, s in upper_level.completeness(self.store, self.year.value())}
        self.rows = upper_level.communes(self.store)
        colors = {i: COMPLETENESS_COLORS[state[r.code]] for i, r in enumerate(self.rows) if r.code in state}
        fill(
            self.table,
            [
                [
                    r.code,
                    r.name,
                    "Đã xác nhận" if r.trusted else "Chưa xác nhận",
                    r.fingerprint or "",
                    r.last_sequence or "",
                    (r.last_package_at or "")[:16].replace("T", " "),
                    upper_level.COMPLETENESS_LABELS.get(state.get(r.code), ""),
                    r.merged_into or "",
                ]
                for r in self.rows
            ],
            colors,
            6,
        )

    def selected(self) -> upper_level.CommuneRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def trust(self) -> None:
        row = self.selected()
        if row is None:
            show_error(self, "Hãy chọn một xã trong danh sách.", "Chưa chọn xã")
            return
        typed, ok = QInputDialog.getText(
            self,
            "Xác nhận khóa của xã",
            f"Gọi điện cho {row.name} ({row.code}), nhờ cán bộ xã đọc mã nhận diện "
            "(Gửi lên cấp trên > Mã nhận diện của xã), rồi gõ mã đó:",
        )
        if ok and typed.strip():
            done = []
            if run_guarded(self, lambda: done.append(upper_level.trust(self.store, row.code, typed))):
                QMessageBox.information(self, "Đã xác nhận", done[0] + " Nhập lại gói của xã.")
                self.reload()

    def save_setup(self) -> None:
        file, _ = QFileDialog.getSaveFileName(
            self, "Tệp thiết lập cho các xã", "thiet-lap-cap-tren.json", "Tệp thiết lập (*.json)"
        )
        if file:
            try:
                atomic_write(file, upper_level.setup_document(self.store))
            except (OSError, Refused) as exc:
                show_error(self, f"Không ghi được tệp {file}: {exc}")

    def save_receipt(self) -> None:
        row = self.selected()
        if row is None:
            return
        folder = QFileDialog.getExistingDirectory(self, "Ghi biên nhận vào thư mục (USB của xã)")
        if folder:
            try:
                atomic_write(
                    Path(folder) / f"bien-nhan-{row.code}.json", upper_level.fresh_receipt(self.store, row.code)
                )
            except (OSError, Refused) as exc:
                show_error(self, str(exc))


class ImportPage(QWidget):
    """Packages are checked first (nothing written), the summary shown, then imported on request; or
    they arrive by the HTTP receiver, which imports each as it comes."""

    HEADERS = ["Tệp", "Xã", "Gói số", "Số hộ", "Hộ mới", "Hộ thay đổi", "Kết quả"]
    received = Signal(str)  # from the receiver's thread: what became of a package

    def __init__(self, store: Store, on_imported, parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.on_imported = store, on_imported
        self.files: list[Path] = []
        self.server = None
        layout = QVBoxLayout(self)
        layout.addLayout(
            button_row(("Chọn &gói...", self.choose_files), ("Lấy cả &thư mục (USB)...", self.choose_folder))
        )
        net = QHBoxLayout()
        self.host = QLineEdit(settings.INBOX_HOST.get(store))
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.port.setValue(settings.INBOX_PORT.get(store))
        add_labelled(net, ("Nhận gói qua mạng, địa chỉ:", self.host), ("cổng:", self.port))
        self.inbox_button = QPushButton("&Bật hộp thư đến")
        self.inbox_button.clicked.connect(self.toggle_inbox)
        net.addWidget(self.inbox_button)
        self.inbox_status = QLabel(
            "Đang tắt. Địa chỉ 127.0.0.1 chỉ nhận từ chính máy này; ghi địa chỉ mạng của máy để nhận từ các xã."
        )
        net.addWidget(self.inbox_status, 1)
        layout.addLayout(net)
        self.received.connect(self._on_received)
        self.summary = QLabel("Chọn các gói của xã. Gói được kiểm tra trước; chưa có gì được ghi cho đến khi bấm Nhập.")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.progress = QProgressBar()
        self.progress.hide()
        layout.addWidget(self.progress)
        self.table = table(self.HEADERS)
        layout.addWidget(self.table, 1)
        self.import_button = QPushButton("&Nhập các gói hợp lệ và ghi biên nhận")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        row = QHBoxLayout()
        row.addWidget(self.import_button)
        row.addStretch(1)
        layout.addLayout(row)

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
            show_error(
                self,
                f"Không mở được hộp thư đến tại {host}:{port}: {exc.strerror or exc}. Cổng có thể "
                "đang được chương trình khác dùng; hãy chọn cổng khác.",
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
        self.inbox_status.setText(f"Vừa nhận qua mạng: {line}")
        self.on_imported()

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
        colors = {i: RESULT_COLORS[r.status] for i, r in enumerate(results)}
        fill(
            self.table,
            [
                [
                    r.name,
                    f"{r.commune_code or ''} {r.commune_name or ''}",
                    r.sequence or "",
                    r.households,
                    r.added,
                    r.changed,
                    r.line().split(": ", 1)[1],
                ]
                for r in results
            ],
            colors,
            6,
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


class OverviewPage(QWidget):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        layout = QVBoxLayout(self)
        self.year = year_bar(store, layout)
        layout.addLayout(
            button_row(("&Tổng hợp", self.run), ("Xuất &Excel...", self.to_excel), ("Xuất &PDF...", self.to_pdf))
        )
        self.summary = QLabel("Chọn năm rồi bấm Tổng hợp: đánh giá lại từng xã theo bộ tiêu chí.")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = table(
            [
                "Mã xã",
                "Tên xã",
                "Số hộ",
                "Tỷ lệ hộ nghèo năm trước",
                "Tỷ lệ hộ nghèo",
                "Kết quả",
                "Hộ đủ điều kiện",
                "Xã tự đánh giá",
                "Chênh lệch",
            ]
        )
        layout.addWidget(self.table, 2)
        self.group = table(["Mã", "Tiêu chí đối với cấp trên", "Kết quả", "Lý do"])
        layout.addWidget(self.group, 1)

    def run(self) -> None:
        year = self.year.value()

        def work(store: Store, progress) -> upper_level.Overview:
            return upper_level.overview(store, year, criteria.load_chosen(store), progress)

        self.summary.setText("Đang tổng hợp...")
        Worker(self, self.store, work, self._on_progress, self._on_done, self._on_failed)

    def _on_progress(self, pct: int, text: str) -> None:
        self.summary.setText(f"{text} ({pct}%)")

    def _on_done(self, ov: upper_level.Overview) -> None:
        y, before = str(ov.year), str(ov.year - 1)
        colors = {i: "#fff3cd" for i, r in enumerate(ov.rows) if r["differs"]}
        fill(
            self.table,
            [
                [
                    r["code"],
                    r["name"],
                    r["households"],
                    format_percent(r["poverty_rates"].get(before)),
                    format_percent(r["poverty_rates"].get(y)),
                    domain.VERDICT_LABELS[r["verdict"]],
                    r["eligible"],
                    ""
                    if r["own"] is None
                    else f"{domain.VERDICT_LABELS.get(r['own'].get('commune_verdict'), '?')}, "
                    f"{r['own'].get('eligible')} hộ",
                    "KHÁC với xã tự đánh giá" if r["differs"] else "",
                ]
                for r in ov.rows
            ],
            colors,
            8,
        )
        fill(
            self.group,
            [
                [k, domain.CRITERION_LABELS[k], domain.VERDICT_LABELS[c["verdict"]], c["reason"]]
                for k, c in ov.group["criteria"].items()
            ],
        )
        self.summary.setText(
            f"Năm {ov.year}: {len(ov.rows)} xã; tỷ lệ hộ nghèo toàn địa bàn "
            f"{format_percent(ov.totals.get(y))} (năm trước {format_percent(ov.totals.get(before))}); "
            f"{len(colors)} xã có kết quả khác với xã tự đánh giá."
        )

    def _on_failed(self, message: str) -> None:
        show_error(self, message)

    def _export(self, suffix: str, kind: str) -> None:
        file, _ = QFileDialog.getSaveFileName(self, "Xuất báo cáo", f"bao-cao-{self.year.value()}{suffix}", kind)
        if file:
            try:
                upper_report.write(self.store, self.year.value(), file)
            except (OSError, Refused) as exc:
                show_error(self, f"Không ghi được tệp {file}: {exc}")

    def to_excel(self) -> None:
        self._export(".xlsx", "Tệp Excel (*.xlsx)")

    def to_pdf(self) -> None:
        self._export(".pdf", "Tệp PDF (*.pdf)")


class ReceivedNominationsPage(LoadsWhenShown, QWidget):
    HEADERS = ["Xã", "Người được đề nghị", "Đối tượng", "Hình thức", "Trạng thái ở xã", "Quyết định của cấp trên"]

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        layout = QVBoxLayout(self)
        self.year = year_bar(store, layout, self.reload)
        self.table = table(self.HEADERS)
        layout.addWidget(self.table, 1)
        layout.addLayout(
            button_row(("&Quyết định khen thưởng...", self.decide), ("&Trả lại cho xã...", self.send_back))
        )
        layout.addWidget(
            QLabel("Quyết định được gửi về xã trong biên nhận tiếp theo (hoặc 'Ghi biên nhận mới' ở trang Các xã).")
        )
        self.rows: list[dict] = []

    def load(self) -> None:
        self.rows = upper_level.received_nominations(self.store, self.year.value())
        fill(
            self.table,
            [
                [
                    n["commune_name"],
                    n["nominee"],
                    nominations.KIND_LABELS[n["nominee_kind"]],
                    n["award"],
                    domain.NOMINATION_STATUS_LABELS[n["status"]],
                    ""
                    if not n["upper"]
                    else (
                        f"Khen thưởng: QĐ {n['upper']['decision_number']} ngày {n['upper']['decision_date']}"
                        if n["upper"]["status"] == "decided"
                        else f"Trả lại: {n['upper']['comment']}"
                    ),
                ]
                for n in self.rows
            ],
        )

    def selected(self) -> dict | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def decide(self) -> None:
        n = self.selected()
        if n is None:
            return
        dialog = DecisionDialog(self)
        if dialog.exec() and run_guarded(
            self,
            lambda: upper_level.decide(
                self.store,
                n["commune_code"],
                n["id"],
                "decided",
                dialog.number.text().strip() or None,
                dialog.date.date().toString("yyyy-MM-dd"),
            ),
        ):
            self.reload()

    def send_back(self) -> None:
        n = self.selected()
        if n is None:
            return
        text, ok = QInputDialog.getMultiLineText(self, "Trả lại cho xã", "Ý kiến của cấp trên:")
        if ok and run_guarded(
            self, lambda: upper_level.decide(self.store, n["commune_code"], n["id"], "returned", comment=text.strip())
        ):
            self.reload()


class UpperSetupDialog(QDialog):
    """First start on the level above's PC: its name and level; makes its keys and the setup file."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("Thiết lập máy của cấp trên")
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                "Máy này nhận gói dữ liệu của các xã. Từ 1/7/2025 cấp trên của xã là tỉnh; dữ liệu "
                "trước đó thuộc huyện."
            )
        )
        self.name = QLineEdit()
        self.name.setPlaceholderText("Ví dụ: UBND tỉnh Tuyên Quang")
        form.addRow("&Tên đơn vị", self.name)
        self.level = QComboBox()
        for value, label in upper_level.LEVEL_LABELS.items():
            self.level.addItem(label, value)
        self.level.setCurrentIndex(self.level.findData("province"))
        form.addRow("&Cấp", self.level)
        self.address = QLineEdit()
        self.address.setPlaceholderText("http://địa-chỉ-máy:8765 (để trống nếu chỉ nhận bằng USB)")
        form.addRow("Địa chỉ nhận qua &mạng", self.address)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        form.addRow(self.error)
        form.addRow(ok_cancel(self, "&Tạo và ghi tệp thiết lập cho xã...", self.create))
        self.resize(620, 0)

    def create(self) -> None:
        name = " ".join(self.name.text().split())
        if not name:
            self.error.setText("Cần ghi tên đơn vị.")
            return
        file, _ = QFileDialog.getSaveFileName(
            self, "Ghi tệp thiết lập cho các xã", "thiet-lap-cap-tren.json", "Tệp thiết lập (*.json)"
        )
        if not file:
            return
        try:
            setup = upper_level.init(self.store, name, self.level.currentData(), self.address.text().strip() or None)
            atomic_write(file, setup)
        except (Refused, OSError) as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class UpperWindow(QMainWindow):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store
        me = upper_level.upper_only(store)
        self.setWindowTitle(f"ThiDua Desktop - Cấp trên: {me['name']} ({upper_level.LEVEL_LABELS[me['level']]})")
        self.tabs = QTabWidget()
        self.communes = CommunesPage(store)
        self.importer = ImportPage(store, self.communes.reload)
        self.overview = OverviewPage(store)
        self.nominations = ReceivedNominationsPage(store)
        for page, title in (
            (self.communes, "Các &xã"),
            (self.importer, "&Nhập gói"),
            (self.overview, "&Tổng hợp"),
            (self.nominations, "Đề nghị &khen thưởng"),
        ):
            self.tabs.addTab(page, title)
        self.setCentralWidget(self.tabs)
        self.statusBar().showMessage(
            f"Cán bộ: {store.actor}   |   Tệp dữ liệu: {store.path}   |   Mã nhận diện của "
            f"cấp trên: {upper_level.fingerprint_of(store)}"
        )
        self.resize(1280, 780)

    def bring_forward(self) -> None:
        bring_forward(self)

    def closeEvent(self, event):
        self.importer.stop_inbox()
        event.accept()
