"""What the officer chooses for the printed papers, in the windows: the dossier's Quyết định number and a
vice-chairman's signature, what a paper will lack told before it is printed, the awards a nomination
may ask for today, the template with the file's villages, and the level above's report as a paper."""

from __future__ import annotations

import datetime as _dt

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from thidua_desktop import settings
from thidua_desktop.evaluation import criteria, evaluator, nominations
from thidua_desktop.register import dataset
from ui.main_window import MainWindow
from ui.nominations import nominations_page
from ui.nominations.nomination_dialog import NominationDialog
from ui.nominations.nominations_page import PrintDossierDialog
from ui.printing.preview import PdfPreview

YEAR = 2019


def pdf_text(path) -> str:
    doc = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()


@pytest.fixture
def nominated(qtbot, filled_store, monkeypatch):
    """The main window on the year's nomination list, taken from the evaluation; previews recorded."""
    shown = []
    monkeypatch.setattr(PdfPreview, "exec", lambda self: shown.append(list(self.files)) or 0)
    window = MainWindow(filled_store)
    qtbot.addWidget(window)
    window.show()
    page = window.nominations
    page.year.setValue(YEAR)
    window.tabs.setCurrentWidget(page)
    page.pick_from_evaluation()
    window.previews = shown
    return window


def fill_dossier_dialog(monkeypatch, decision: int, deputy: bool, signer: str = "") -> None:
    def exec_(dialog: PrintDossierDialog) -> int:
        dialog.decision_number.setValue(decision)
        dialog.deputy.setChecked(deputy)
        dialog.signer.setText(signer)
        return 1

    monkeypatch.setattr(PrintDossierDialog, "exec", exec_)


def test_the_dossier_takes_the_decision_number_and_a_deputy_and_says_first_what_it_lacks(
    qtbot, nominated, filled_store, monkeypatch, prompts
):
    page = nominated.nominations
    fill_dossier_dialog(monkeypatch, 7, True)
    said = []
    monkeypatch.setattr(nominations_page, "confirm", lambda parent, title, text, **k: said.append(text) or False)
    page.print_dossier()  # told that no signer is named, the officer goes back: nothing is printed
    assert "Chưa có họ tên người ký" in said[0] and said[0].endswith("Vẫn in hồ sơ? (Có thể sửa trước rồi in lại.)")
    assert nominated.previews == []
    assert settings.SIGNER_DEPUTY.get(filled_store) is True  # remembered for the next print
    fill_dossier_dialog(monkeypatch, 7, True, "Hoàng Văn Bình")
    monkeypatch.setattr(nominations_page, "confirm", lambda *a, **k: said.append("asked again") or True)
    with qtbot.waitSignal(page.dossier_printed, timeout=60000) as printed:
        page.print_dossier()
    decision = pdf_text(printed.args[0][0])
    assert "Số: 07/QĐ-UBND" in decision
    assert "KT. CHỦ TỊCH" in decision and "PHÓ CHỦ TỊCH" in decision and "Hoàng Văn Bình" in decision
    assert said[1:] in ([], ["asked again"])  # a warning left (if any) is asked about, never skipped
    dialog = PrintDossierDialog(filled_store)
    qtbot.addWidget(dialog)
    assert dialog.deputy.isChecked() and dialog.signer.text() == "Hoàng Văn Bình"


def test_nobody_to_print_is_said_before_the_printing_starts(qtbot, filled_store, monkeypatch, prompts):
    window = MainWindow(filled_store)
    qtbot.addWidget(window)
    page = window.nominations
    page.year.setValue(YEAR)
    fill_dossier_dialog(monkeypatch, 0, False)
    page.print_dossier()
    assert "2019" in prompts[-1] and not hasattr(page, "_progress")


def test_a_nomination_offers_the_awards_granted_today(qtbot, filled_store):
    report = evaluator.evaluate(dataset.export_data(filled_store), YEAR, criteria.load())
    draft = nominations.draft(YEAR, "individual")
    dialog = NominationDialog(filled_store, report, {**draft, "award": "Giấy khen của Chủ tịch UBND huyện"}, True)
    qtbot.addWidget(dialog)
    offered = [dialog.award.itemText(i) for i in range(dialog.award.count())]
    today = list(nominations.award_names(criteria.load(), _dt.date.today()))
    assert offered == today + ["Giấy khen của Chủ tịch UBND huyện"]  # its own award kept, after those of today
    assert dialog.award.currentText() == "Giấy khen của Chủ tịch UBND huyện"


def test_the_template_offers_the_files_villages(qtbot, filled_store, tmp_path, monkeypatch, prompts):
    window = MainWindow(filled_store)
    qtbot.addWidget(window)
    out = tmp_path / "mau.xlsx"
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(out), ""))
    window.save_excel_template()
    assert prompts[-1] == f"Đã ghi mẫu Excel nhập danh sách hộ: {out}"
    book = load_workbook(out)
    written = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value}
    assert {v["name"] for v in filled_store.register.villages()} <= written


def test_the_level_above_prints_its_report_with_number_signer_and_recipient(
    qtbot, pair, tmp_path, monkeypatch, prompts
):
    from thidua_desktop.exchange import outbox, upper_level
    from ui.upper import overview_page
    from ui.upper.report_dialog import UpperReportDialog
    from ui.upper.upper_window import UpperWindow

    province, commune, setup = pair
    outbox.setup_upper(commune, setup.read_bytes(), setup.name)
    first = outbox.export_package(commune, tmp_path / "usb")
    upper_level.import_files(province, [first])
    upper_level.trust(province, "02191", outbox.own_keys(commune).fingerprint)
    upper_level.import_files(province, [first])
    window = UpperWindow(province)
    qtbot.addWidget(window)
    page = window.overview
    page.year.setValue(2020)
    out = tmp_path / "bao-cao.pdf"
    monkeypatch.setattr(overview_page.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    said = []
    monkeypatch.setattr(overview_page, "confirm", lambda parent, title, text, **k: said.append(text) or False)
    monkeypatch.setattr(UpperReportDialog, "exec", lambda self: 1)
    page.to_pdf()  # nobody to sign: said first, and the officer goes back
    assert "Chưa có họ tên người ký báo cáo" in said[0] and not out.exists()

    def fill(dialog: UpperReportDialog) -> int:
        dialog.number.setValue(12)
        dialog.signer.setText("Nguyễn Văn Sơn")
        dialog.deputy.setChecked(True)
        dialog.recipient.setText("Bộ Nông nghiệp và Môi trường")
        return 1

    monkeypatch.setattr(UpperReportDialog, "exec", fill)
    page.to_pdf()
    assert len(said) == 1  # a signer named: nothing to warn of
    text = pdf_text(out)
    assert "Số: 12/" in text and "KT. CHỦ TỊCH" in text and "Nguyễn Văn Sơn" in text
    assert "Bộ Nông nghiệp và Môi trường" in text
    assert settings.SIGNER.get(province) == "Nguyễn Văn Sơn" and settings.SIGNER_DEPUTY.get(province) is True
