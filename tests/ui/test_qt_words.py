"""Qt's own words, whole and in Vietnamese: the translator leaves what it does not know as Qt wrote it,
shortcuts read whole ("Ctrl+S"), and the menus of text and number fields, the file dialog and the
print dialog the officer meets on Linux are in Vietnamese."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QTimer, QTranslator
from PySide6.QtGui import QContextMenuEvent, QKeySequence
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMenu, QSpinBox

from ui.common.translator import VIETNAMESE, VietnameseTranslator
from ui.main_window import MainWindow

ENGLISH = {"Undo", "Redo", "Cut", "Copy", "Paste", "Delete", "Select All", "Step up", "Step down"}


class Recorder(QTranslator):
    """Asked before the program's translator (installed last): notes what Qt asks, answers nothing."""

    def __init__(self):
        super().__init__()
        self.asked: set[tuple[str, str]] = set()

    def translate(self, context, source, disambiguation=None, n=-1):
        self.asked.add((context, source))
        return None

    def isEmpty(self):
        return False


@pytest.fixture
def recorder(qapp):
    recorder = Recorder()
    qapp.installTranslator(recorder)
    yield recorder
    qapp.removeTranslator(recorder)


def untranslated(recorder: Recorder, contexts: set[str]) -> list[tuple[str, str]]:
    return sorted((c, s) for c, s in recorder.asked if c in contexts and s not in VIETNAMESE.get(c, {}))


def plain(text: str) -> str:
    return text.split("\t")[0].replace("&", "")


def test_what_the_table_does_not_know_stays_as_qt_wrote_it(qapp):
    translator = VietnameseTranslator()
    assert translator.translate("QShortcut", "Ctrl") == "Ctrl"
    assert translator.translate("QSomething", "Unknown %1") is None  # Qt keeps its own words and its %1


def test_shortcuts_in_the_menus_read_whole(qtbot, filled_store):
    window = MainWindow(filled_store)
    qtbot.addWidget(window)
    menu = window.menuBar().actions()[0].menu()
    shortcuts = {a.shortcut().toString(QKeySequence.SequenceFormat.NativeText) for a in menu.actions()}
    assert {"Ctrl+I", "Ctrl+E", "Ctrl+Q"} <= shortcuts
    assert QKeySequence("Ctrl+S").toString(QKeySequence.SequenceFormat.NativeText) == "Ctrl+S"


def test_a_text_fields_menu_is_vietnamese_with_whole_shortcuts(qtbot):
    field = QLineEdit("Nguyễn Văn An")
    qtbot.addWidget(field)
    menu = field.createStandardContextMenu()
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert [plain(t) for t in texts][:5] == ["Hoàn tác", "Làm lại", "Cắt", "Chép", "Dán"]
    assert not {plain(t) for t in texts} & ENGLISH
    assert any(t.endswith("\tCtrl+Z") for t in texts)  # the shortcut whole, never "CtrlZ"


@pytest.mark.qt_log_ignore("^This plugin does not support grabbing the keyboard$")  # offscreen's popup menu
def test_a_number_fields_menu_is_vietnamese(qtbot, recorder):
    spin = QSpinBox()
    qtbot.addWidget(spin)
    spin.show()
    seen = []

    def read_and_close():
        menu = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible())
        seen.extend(plain(a.text()) for a in menu.actions() if not a.isSeparator())
        menu.close()

    QTimer.singleShot(100, read_and_close)
    QApplication.sendEvent(
        spin, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(4, 4), spin.mapToGlobal(QPoint(4, 4)))
    )
    assert {"Tăng lên", "Giảm xuống", "Chọn tất cả"} <= set(seen)
    assert not set(seen) & ENGLISH
    assert untranslated(recorder, {"QAbstractSpinBox", "QLineEdit"}) == []


def test_the_print_and_file_dialogs_qt_draws_are_vietnamese(qtbot, recorder):
    printer = QPrinter()  # alive as long as its dialog
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    files = QFileDialog(None, "Chọn tệp")
    files.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(files)
    files.show()
    QApplication.processEvents()
    contexts = {"QPrintDialog", "QPrintWidget", "QPrintSettingsOutput", "QFileDialog", "QFileSystemModel"}
    assert untranslated(recorder, contexts) == []
    assert {c for c, _ in recorder.asked} & {"QPrintDialog", "QFileDialog"}  # they were asked indeed
