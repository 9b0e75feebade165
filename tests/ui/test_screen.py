"""Every window and dialog fits an office laptop: a 1366x768 screen less a 40-pixel taskbar, and less
the title bar a window manager adds; every button inside the window, every wrapped text given the
lines it needs."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QApplication, QFileDialog, QLabel, QWidget

from tests.ui.conftest import LAPTOP
from tests.ui.windows import catalogue
from thidua_desktop.exchange import upper_level
from ui.common import screen

TASKBAR = 40


@pytest.fixture
def laptop(monkeypatch, qapp):
    """The room the laptop's screen leaves a window: the screen less its taskbar at the bottom."""
    width, height = LAPTOP
    area = QRect(0, 0, width, height - TASKBAR)
    monkeypatch.setattr(screen, "available", lambda widget=None: area)
    return area


@pytest.fixture
def upper(store_factory):
    store = store_factory("tinh.sqlite")
    upper_level.init(store, "UBND tỉnh Tuyên Quang", "province")
    return store


def inside_scrolling(widget: QWidget, top: QWidget) -> bool:
    """In a scroll area's contents (a form that scrolls, a cell of a table): reached by scrolling."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def settle(qtbot, window: QWidget) -> None:
    """Shown, laid out, and on a real display framed by the window manager (which answers later)."""
    QApplication.processEvents()
    if not QGuiApplication.platformName().startswith("offscreen"):
        qtbot.waitExposed(window)
        qtbot.wait(300)


def title_to_come(window: QWidget) -> int:
    """The title bar a window manager adds that the frame does not show yet: all of it offscreen (no
    window manager), what is left of it where the frame has a thinner one."""
    return max(0, screen.TITLE_BAR - (window.geometry().top() - window.frameGeometry().top()))


def problems_of(window: QWidget, area: QRect) -> list[str]:
    out = []
    frame = window.frameGeometry()
    title = title_to_come(window)
    if frame.width() > area.width() or frame.height() + title > area.height():
        out.append(f"frame {frame.width()}x{frame.height()} (+{title} title) > {area.width()}x{area.height()}")
    least = window.minimumSizeHint().expandedTo(window.minimumSize())
    room = screen.room()
    if least.width() > room.width() or least.height() > room.height():
        out.append(f"cannot shrink below {least.width()}x{least.height()} (room {room.width()}x{room.height()})")
    inside = window.rect()
    for button in window.findChildren(QAbstractButton):
        if not button.isVisibleTo(window) or inside_scrolling(button, window):
            continue
        placed = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
        if not inside.contains(placed):
            out.append(f"button {button.text()!r} at {placed} outside {inside}")
    for label in window.findChildren(QLabel):
        if label.wordWrap() and label.text() and label.isVisibleTo(window) and not inside_scrolling(label, window):
            needed = label.heightForWidth(label.width())
            if label.height() + 1 < needed:
                out.append(f"label {label.text()[:40]!r} {label.height()} px tall, needs {needed}")
    return out


def test_the_tests_run_on_the_laptops_screen(qapp):
    if not os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        pytest.skip("a real display has the screen it has")
    assert QGuiApplication.primaryScreen().geometry().size() == QSize(*LAPTOP)


def test_every_window_and_dialog_fits_the_laptop(qtbot, laptop, filled_store, upper, tmp_path):
    failures = {}
    for name, build in catalogue(filled_store, upper, tmp_path):
        window = build()
        qtbot.addWidget(window)
        window.show()
        settle(qtbot, window)
        found = problems_of(window, laptop)
        if found:
            failures[name] = found
        window.hide()
    assert failures == {}


def test_qts_own_print_and_file_dialogs_fit_the_laptop(qtbot, laptop):
    printer = QPrinter()  # alive as long as its dialog
    for dialog in (QPrintDialog(printer), QFileDialog(None, "Chọn tệp")):
        if isinstance(dialog, QFileDialog):
            dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        qtbot.addWidget(dialog)
        dialog.show()
        settle(qtbot, dialog)
        frame = dialog.frameGeometry()
        assert frame.width() <= laptop.width() and frame.height() + title_to_come(dialog) <= laptop.height()
        dialog.hide()
