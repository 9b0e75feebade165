"""The level above's year report as a paper: its number, date, who signs it (a vice-chairman signs
"KT. CHỦ TỊCH") and the first of its recipients; the signer is remembered in the file."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from PySide6.QtWidgets import QCheckBox, QDialog, QFormLayout, QLineEdit, QSpinBox, QWidget

from thidua_desktop import settings
from thidua_desktop.store import Store

from ..common import screen
from ..common.widgets import date_edit, ok_cancel, wrapped


@dataclass
class ReportOptions:
    """What `upper_report.write` takes for the PDF."""

    number: int | None
    on: _dt.date
    signer: str | None
    deputy: bool
    recipient: str | None


class UpperReportDialog(QDialog):
    def __init__(self, store: Store, year: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(f"In báo cáo năm {year}")
        form = QFormLayout(self)
        self.number = QSpinBox()
        self.number.setRange(0, 99999)
        self.number.setSpecialValueText("để trống, ghi tay")
        form.addRow("&Số báo cáo", self.number)
        self.date = date_edit()
        form.addRow("&Ngày ký", self.date)
        self.signer = QLineEdit(settings.SIGNER.get(store) or "")
        self.signer.setPlaceholderText("Họ tên người ký (để trống: chừa chỗ ký và ghi tay)")
        form.addRow("Người &ký", self.signer)
        self.deputy = QCheckBox("&Phó Chủ tịch ký thay (KT. CHỦ TỊCH)")
        self.deputy.setChecked(settings.SIGNER_DEPUTY.get(store))
        form.addRow("", self.deputy)
        self.recipient = QLineEdit()
        self.recipient.setPlaceholderText("Cơ quan nhận báo cáo (để trống: in dòng chấm để ghi tay)")
        form.addRow("&Gửi đến (Nơi nhận)", self.recipient)
        form.addRow(wrapped("Người ký và việc Phó Chủ tịch ký thay được nhớ cho lần in sau."))
        form.addRow(ok_cancel(self, "&In báo cáo"))
        screen.fit(self, 600)

    def options(self) -> ReportOptions:
        """The chosen options; the signer is kept in the file for the next report."""
        signer = self.signer.text().strip() or None
        settings.SIGNER.set(self.store, signer)
        settings.SIGNER_DEPUTY.set(self.store, self.deputy.isChecked())
        return ReportOptions(
            self.number.value() or None,
            self.date.date().toPython(),
            signer,
            self.deputy.isChecked(),
            self.recipient.text().strip() or None,
        )
