"""Windows sized to the screen they open on: an office laptop is 1366x768, less its taskbar.

Every window and dialog takes its size from here, never from a fixed number alone: the size a form
would like, cut to the room its screen has (`QScreen.availableGeometry()`, the screen less the
taskbar), less a window manager's title bar and borders. The main windows fill that room, so they fit
with a window manager (which maximizes them) or without one.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

TITLE_BAR = 32  # what a title bar adds above a window: 31 px on Windows 10 at 100 %, 30 on most Linux desktops
BORDERS = 8  # left and right borders together (and the bottom border)


def available(widget: QWidget | None = None) -> QRect:
    """The room of the screen the widget is on (or the primary screen): the screen less its taskbar."""
    screen = widget.screen() if widget is not None else None
    return (screen or QGuiApplication.primaryScreen()).availableGeometry()


def room(widget: QWidget | None = None) -> QSize:
    """The largest size a window's contents may have and its frame still fit on the screen."""
    area = available(widget)
    return QSize(area.width() - BORDERS, area.height() - TITLE_BAR - BORDERS)


def fit(widget: QWidget, width: int, height: int = 0) -> None:
    """Size a dialog as it would like (`height` 0: as tall as its contents ask), never beyond the room
    its screen has. Long contents scroll inside it (scroll areas, tables), so its buttons stay on screen."""
    most = room(widget)
    wanted = QSize(width, height or widget.sizeHint().height())
    widget.resize(wanted.boundedTo(most))


def fill(window: QWidget) -> None:
    """A main window over the whole room of its screen, its frame at the top left of that room."""
    area = available(window)
    window.resize(room(window))
    window.move(area.topLeft())


def show_filling(window: QWidget) -> None:
    """Show a main window filling its screen: sized first (a screen without a window manager does not
    maximize), then maximized where a window manager does."""
    fill(window)
    window.showMaximized()
