"""No silent death: what Qt crashes on natively is never done. A view is never rebuilt inside its own
signal (the household's criteria tree opens the form once its activation is over), a print dialog never
outlives its printer, finished dialogs do not pile up under their page, and a native crash of the last
run is told at the next start."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from thidua_desktop import paths
from ui import app
from ui.main_window import MainWindow
from ui.printing import preview
from ui.printing.preview import PdfPreview
from ui.register.household_dialog import HouseholdDialog


def deleted_later() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


def test_the_criteria_tree_opens_the_form_only_after_its_own_activation(qtbot, filled_store, monkeypatch):
    window = MainWindow(filled_store)
    qtbot.addWidget(window)
    window.show()
    page = window.evaluation
    window.tabs.setCurrentWidget(page)
    page.year.setValue(2019)
    with qtbot.waitSignal(page.evaluated, timeout=30000):
        page.run()
    row = next(i for i in range(page.households.rowCount()) if page.households.result(i)["categories"])
    page.household_table.selectRow(row)
    tree = page.household_tree
    item = tree.currentItem()
    assert item is not None
    during = []

    def save_the_form(dialog):
        during.append(tree.currentItem() is item)  # the form opens after the activation, not inside it
        dialog.save()
        return True

    monkeypatch.setattr(HouseholdDialog, "exec", save_the_form)
    opened = []
    page.open_household.connect(lambda *args: opened.append(args))
    tree.setFocus()
    tree.itemActivated.emit(item, 0)
    assert opened == []  # nothing opened (or rebuilt) while the tree is still in its signal
    QApplication.processEvents()
    assert len(opened) == 1 and during == [True]
    assert tree.topLevelItemCount() > 0  # rebuilt afterwards, judged again, and the window goes on
    QTest.keyClick(tree, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert len(opened) == 2


def test_a_print_dialog_never_outlives_its_printer(qtbot, filled_store, monkeypatch):
    window = MainWindow(filled_store)
    qtbot.addWidget(window)
    page = window.evaluation
    page.year.setValue(2019)
    with qtbot.waitSignal(page.evaluated, timeout=30000):
        page.run()
    asked = []
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: asked.append(self.printer()) or 0)
    page.print_current()
    assert asked  # the dialog was shown...
    assert page.findChildren(QPrintDialog) == []  # ...and is gone with the printer it was given


def test_finished_dialogs_do_not_pile_up_under_their_page(qtbot, filled_store, tmp_path, monkeypatch):
    from tests.ui.windows import a_pdf

    window = MainWindow(filled_store)
    qtbot.addWidget(window)
    monkeypatch.setattr(PdfPreview, "exec", lambda self: 0)
    for _ in range(3):
        window.meetings.preview([a_pdf(tmp_path / "bien-ban.pdf")], "Biên bản họp bình xét")
    deleted_later()
    assert window.meetings.findChildren(PdfPreview) == []  # its pages' pictures went with it


def test_a_native_crash_of_the_last_run_is_told_at_the_next_start(tmp_path):
    crash_log = paths.logs_dir() / app.CRASH_LOG
    crash_log.parent.mkdir(parents=True, exist_ok=True)
    crash_log.write_text("Fatal Python error: Segmentation fault\n", encoding="utf-8")
    kept = app.previous_crash()
    assert kept is not None and kept.read_text(encoding="utf-8").startswith("Fatal Python error")
    assert not crash_log.exists() or crash_log.stat().st_size == 0
    assert app.previous_crash() is None  # told once


def test_ask_printer_deletes_the_dialog_before_returning(qtbot, monkeypatch):
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: 1)
    printer = QPrinter()
    assert preview.ask_printer(parent, printer) is True
    assert parent.findChildren(QPrintDialog) == []
