"""The year's nomination list: pick nominees from the evaluation, move them along, print the dossier."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from thidua_desktop import domain, paths, settings
from thidua_desktop.evaluation import evaluator, nominations
from thidua_desktop.evaluation.criteria import CriteriaSet
from thidua_desktop.evaluation.nominations import NominationError
from thidua_desktop.register import dataset
from thidua_desktop.store import Store

from ..common import screen
from ..common.messages import confirm, exec_dialog, run_guarded, show_error, wait_cursor
from ..common.tables import ReadOnlyTable
from ..common.widgets import (
    ERROR_COLOR,
    LoadsWhenShown,
    add_labelled,
    button_row,
    chosen_criteria,
    date_edit,
    latest_year_spin,
    ok_cancel,
    wrapped,
)
from ..common.worker import Worker
from ..printing.preview import PdfPreview
from .nomination_dialog import NominationDialog

STATUS_COLORS = {
    "draft": "#ffffff",
    "approved": "#e7f1ff",
    "sent": "#fff3cd",
    "decided": "#dff0d8",
    "returned": "#f8d7da",
}
VERDICT_COLUMN, STATUS_COLUMN = 4, 6


class DecisionDialog(QDialog):
    """The number and date of the award decision."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Ghi quyết định khen thưởng")
        form = QFormLayout(self)
        self.number = QLineEdit()
        self.number.setPlaceholderText("Ví dụ: 125/QĐ-UBND")
        form.addRow("&Số quyết định", self.number)
        self.date = date_edit()
        form.addRow("&Ngày quyết định", self.date)
        form.addRow(ok_cancel(self, "&Ghi"))
        screen.fit(self, 460)


class PrintDossierDialog(QDialog):
    """Numbers of the tờ trình and of the commune's Quyết định, the date, the signer (a vice-chairman
    signs "KT. CHỦ TỊCH") and the tờ trình's recipient; the signer, deputy and recipient are remembered."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)

        self.store = store
        self.setWindowTitle("In hồ sơ đề nghị khen thưởng")
        form = QFormLayout(self)
        self.number = QSpinBox()
        self.number.setRange(0, 99999)
        self.number.setSpecialValueText("để trống, ghi tay")
        form.addRow("Số &tờ trình", self.number)
        self.decision_number = QSpinBox()
        self.decision_number.setRange(0, 99999)
        self.decision_number.setSpecialValueText("để trống, ghi tay")
        form.addRow("Số &quyết định", self.decision_number)
        form.addRow(wrapped("Số quyết định: quyết định khen thưởng của Chủ tịch UBND xã (Giấy khen của xã)."))
        self.date = date_edit()
        form.addRow("&Ngày ký", self.date)
        self.signer = QLineEdit(settings.SIGNER.get(store) or "")
        self.signer.setPlaceholderText("Họ tên Chủ tịch UBND xã")
        form.addRow("Người &ký", self.signer)
        self.deputy = QCheckBox("&Phó Chủ tịch ký (KT.)")
        self.deputy.setToolTip('Phó Chủ tịch ký thay: giấy tờ in "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH".')
        self.deputy.setChecked(settings.SIGNER_DEPUTY.get(store))
        form.addRow("", self.deputy)
        commune = store.register.commune() or {}
        self.recipient = QLineEdit(settings.RECIPIENT.get(store) or "")
        self.recipient.setPlaceholderText(f"Ủy ban nhân dân tỉnh {commune.get('province_name', '')}")
        form.addRow("Kính &gửi", self.recipient)
        form.addRow(wrapped("Cấp trên nhận hồ sơ là cài đặt của xã: từ 1/7/2025 là tỉnh, trước đó là huyện."))
        form.addRow(ok_cancel(self, "&In"))
        screen.fit(self, 600)

    def options(self):
        from thidua_desktop.documents import dossier

        signer, recipient = self.signer.text().strip(), self.recipient.text().strip()
        settings.SIGNER.set(self.store, signer or None)
        settings.RECIPIENT.set(self.store, recipient or None)
        settings.SIGNER_DEPUTY.set(self.store, self.deputy.isChecked())
        return dossier.PaperOptions(
            self.number.value() or None,
            self.date.date().toPython(),
            signer or None,
            recipient or None,
            decision_number=self.decision_number.value() or None,
            deputy=self.deputy.isChecked(),
        )


class NominationsPage(LoadsWhenShown, QWidget):
    data_changed = Signal()
    dossier_printed = Signal(list)
    HEADERS = [
        "STT",
        "Tên",
        "Thôn",
        "Đối tượng",
        "Kết quả đánh giá",
        "Hình thức khen thưởng",
        "Trạng thái",
        "Lý do, quyết định, ý kiến",
    ]

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.report: dict | None = None
        self.rows: list[dict] = []
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.year = latest_year_spin(store)
        self.year.valueChanged.connect(self._year_changed)
        add_labelled(bar, ("Nă&m:", self.year))
        pick = QPushButton("Lấy các &hộ, thôn đủ điều kiện từ kết quả đánh giá")
        pick.clicked.connect(self.pick_from_evaluation)
        bar.addWidget(pick)
        bar.addStretch(1)
        print_button = QPushButton("&In hồ sơ đề nghị...")
        print_button.clicked.connect(self.print_dossier)
        bar.addWidget(print_button)
        layout.addLayout(bar)
        self.summary = wrapped()
        layout.addWidget(self.summary)
        self.table = ReadOnlyTable(self.HEADERS)
        self.table.opened.connect(self.edit)
        layout.addWidget(self.table, 1)
        layout.addLayout(
            button_row(
                ("Thêm (Ctrl+N)...", self.add),
                ("Sửa (Enter)...", self.edit),
                ("Xóa (Delete)", self.delete),
                (None, None),
                ("Xã &duyệt", self.approve),
                ("Đã gửi &lên trên", self.mark_sent),
                ("Ghi &quyết định...", self.mark_decided),
                ("Bị t&rả lại...", self.mark_returned),
                ("Đưa về dự thả&o", self.back_to_draft),
            )
        )
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.add)
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            self.table,
            activated=self.delete,
            context=Qt.ShortcutContext.WidgetShortcut,
        )

    # --- data ---------------------------------------------------------------------------------------
    def criteria(self) -> CriteriaSet | None:
        return chosen_criteria(self, self.store)

    def _year_changed(self, *_args) -> None:
        self.reload()

    def reload(self) -> None:
        self.report = None  # the data changed: judge the year again
        super().reload()

    def load(self) -> None:
        """List the year's proposals with what the evaluation says of each nominee."""
        self.year.follow()
        rules = self.criteria()
        if rules is None:
            return
        if self.report is None:
            with wait_cursor():
                self.report = evaluator.evaluate(dataset.export_data(self.store), self.year.value(), rules)
        self.fill()

    def fill(self) -> None:
        year = self.year.value()
        noms = self.store.nominations.find(year)
        villages = {v["id"]: v["name"] for v in self.store.register.villages(include_deleted=True)}
        named = self.store.register.household_names(
            ids=[n["household_id"] for n in noms if n["household_id"]], include_deleted=True
        )
        heads = {h.id: (h.head_name, h.village_id) for h in named.values()}
        self.rows = noms
        rows = []
        for n in noms:
            kind = n["nominee_kind"]
            if kind == "household":
                name, village_id = heads.get(n["household_id"], ("?", None))
                name, village = f"Hộ {name}", villages.get(village_id, "")
            elif kind == "village":
                name, village = villages.get(n["village_id"], "?"), villages.get(n["village_id"], "")
            else:
                name, village = n["nominee_name"] or "", ""
            verdict = nominations.verdict_of(n, self.report)
            notes = [
                f"Lý do: {n['override_reason']}" if n.get("override_reason") else "",
                f"QĐ số {n['decision_number']} ngày {_dt.date.fromisoformat(n['decision_date']):%d/%m/%Y}"
                if n.get("decision_number") and n.get("decision_date")
                else "",
                f"Cấp trên: {n['comment']}" if n.get("comment") else "",
            ]
            rows.append(
                [
                    len(rows) + 1,
                    name,
                    village,
                    nominations.KIND_LABELS[kind],
                    domain.VERDICT_LABELS[verdict] if verdict else "không đánh giá tự động",
                    n["award"],
                    domain.NOMINATION_STATUS_LABELS[n["status"]],
                    "; ".join(filter(None, notes)),
                ]
            )
        self.table.fill(rows, {(r, STATUS_COLUMN): STATUS_COLORS[n["status"]] for r, n in enumerate(noms)})
        for r, n in enumerate(noms):
            if nominations.needs_reason(n, self.report):
                self.table.item(r, VERDICT_COLUMN).setForeground(QColor(ERROR_COLOR))
        counts = {s: sum(1 for n in noms if n["status"] == s) for s in domain.NOMINATION_STATUS_LABELS}
        self.summary.setText(
            f"Năm {year}: {len(noms)} đề nghị - "
            + ", ".join(f"{domain.NOMINATION_STATUS_LABELS[s].lower()} {c}" for s, c in counts.items() if c)
        )

    def selected(self) -> list[dict]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.rows[r] for r in rows if r < len(self.rows)]

    def _save(self, noms: list[dict]) -> bool:
        if not run_guarded(self, lambda: nominations.save(self.store, noms, self.report)):
            return False
        self.fill()
        self.data_changed.emit()
        return True

    # --- actions --------------------------------------------------------------------------------------
    def pick_from_evaluation(self) -> None:
        if self.report is None:
            self.reload()
        if self.report is None:
            return
        found = nominations.candidates(self.store, self.report)
        if not found:
            show_error(
                self,
                f"Không còn hộ hay thôn nào đủ điều kiện năm {self.year.value()} mà chưa có trong danh sách.",
                "Không có ai để thêm",
            )
            return
        households = sum(1 for n in found if n["nominee_kind"] == "household")
        if confirm(
            self,
            "Lấy từ kết quả đánh giá",
            f"Thêm {households} hộ và {len(found) - households} thôn đủ điều kiện năm {self.year.value()} "
            f"vào danh sách đề nghị (trạng thái dự thảo, hình thức: {nominations.COMMUNE_AWARD})?",
            yes="Thêm",
            no="Không",
        ):
            self._save(found)

    def add(self) -> None:
        if self.report is None:
            self.reload()
        if self.report is not None and exec_dialog(
            NominationDialog(self.store, self.report, nominations.draft(self.year.value(), "individual"), True, self)
        ):
            self.fill()
            self.data_changed.emit()

    def edit(self, *_args) -> None:
        chosen = self.selected()
        if chosen and exec_dialog(NominationDialog(self.store, self.report, chosen[0], False, self)):
            self.fill()
            self.data_changed.emit()

    def delete(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        if any(n["status"] not in ("draft", "returned") for n in chosen):
            show_error(self, "Chỉ xóa được đề nghị ở trạng thái dự thảo hoặc bị trả lại. Đưa về dự thảo trước.")
            return
        if confirm(self, "Xóa đề nghị", f"Xóa {len(chosen)} đề nghị khỏi danh sách?", yes="Xóa", no="Không"):
            for n in chosen:
                if not run_guarded(self, lambda n=n: self.store.nominations.delete(n["id"])):
                    break
            self.fill()
            self.data_changed.emit()

    def _move(self, status: str, ask=None) -> None:
        """Move the selected proposals on; `ask` asks for what the new status needs (None: cancelled)."""
        chosen = self.selected()
        if not chosen:
            show_error(self, "Hãy chọn một hoặc nhiều dòng trong danh sách trước.", "Chưa chọn")
            return
        try:
            for n in chosen:
                nominations.move(n, status)
        except NominationError as exc:
            show_error(self, str(exc))
            return
        facts = ask() if ask else {}
        if facts is not None:
            self._save([nominations.move(n, status, **facts) for n in chosen])

    def approve(self) -> None:
        self._move("approved")

    def mark_sent(self) -> None:
        self._move("sent")

    def back_to_draft(self) -> None:
        self._move("draft")

    def mark_decided(self) -> None:
        def ask() -> dict | None:
            dialog = DecisionDialog(self)
            if not exec_dialog(dialog):
                return None
            return {
                "decision_number": dialog.number.text().strip() or None,
                "decision_date": dialog.date.date().toString("yyyy-MM-dd"),
            }

        self._move("decided", ask)

    def mark_returned(self) -> None:
        def ask() -> dict | None:
            text, ok = QInputDialog.getMultiLineText(self, "Hồ sơ bị trả lại", "Ý kiến của cấp trên:")
            return {"comment": text.strip() or None} if ok else None

        self._move("returned", ask)

    # --- the dossier ------------------------------------------------------------------------------------
    def print_dossier(self) -> None:
        rules = self.criteria()
        if rules is None:
            return
        dialog = PrintDossierDialog(self.store, self)
        if not exec_dialog(dialog):
            return
        options, year = dialog.options(), self.year.value()
        from thidua_desktop.documents import dossier

        warnings: list[str] = []

        def plan() -> None:
            with wait_cursor():  # the arrow back before a refusal (nobody to print) is told
                warnings.extend(dossier.warnings(self.store, year, rules, options))

        if not run_guarded(self, plan):
            return
        if warnings and not confirm(
            self,
            "Trước khi in hồ sơ",
            "\n".join(f"- {w}" for w in warnings) + "\n\nVẫn in hồ sơ? (Có thể sửa trước rồi in lại.)",
            yes="In hồ sơ",
            no="Quay lại",
        ):
            return
        out = paths.printouts_dir() / f"ho-so-de-nghi-{year}"
        self._progress = QProgressDialog("Đang in hồ sơ...", None, 0, 100, self)
        self._progress.setWindowTitle("In hồ sơ đề nghị khen thưởng")
        self._progress.setMinimumDuration(0)

        def work(store: Store, progress) -> list[Path]:
            return dossier.write_dossier(store, year, out, rules, options, progress)

        Worker(self, self.store, work, self._on_progress, self._on_printed, self._on_failed)

    def _on_progress(self, pct: int, text: str) -> None:
        self._progress.setValue(pct)
        self._progress.setLabelText(text)

    def _on_printed(self, files: list[Path]) -> None:
        self._progress.close()
        self.dossier_printed.emit(files)
        exec_dialog(PdfPreview(self.store, files, f"Hồ sơ đề nghị khen thưởng năm {self.year.value()}", self))

    def _on_failed(self, message: str) -> None:
        self._progress.close()
        show_error(self, message, "Chưa in được hồ sơ")
