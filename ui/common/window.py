"""What both main windows are made of: tabs whose pages are built when first needed, and menus.

A page's module is imported and the page built the first time it is shown or asked for (the window's
attribute of the same name): the window paints its frame, menu and tabs first, the page on screen is built
right after that first paint, and a tab never opened costs nothing."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QTabWidget, QWidget


class Tab(NamedTuple):
    name: str  # the window's attribute that holds the page
    title: str
    page: str  # "module:Class", the module under ui/


class PageTabs(QTabWidget):
    """One tab a page, in order, reached by Ctrl+1 ... Ctrl+9, Ctrl+0 (the titles keep no Alt letter: those
    are left to the buttons and fields of the page on screen). `build(tab, cls)` makes a page and wires it
    to its window; until then the tab holds an empty placeholder."""

    def __init__(self, window: QWidget, tabs: Sequence[Tab], build: Callable[[Tab, type], QWidget]):
        super().__init__()
        self.tabs = list(tabs)
        self.build = build
        self.pages: dict[str, QWidget] = {}  # the pages built so far, by name
        for number, tab in enumerate(self.tabs, start=1):
            index = self.addTab(QWidget(), tab.title)
            self.setTabToolTip(index, f"{tab.title} (Ctrl+{number % 10})")
            QShortcut(QKeySequence(f"Ctrl+{number % 10}"), window, activated=lambda i=index: self.setCurrentIndex(i))
        self.currentChanged.connect(self._made_current)  # first: later slots find the page built

    def page(self, name: str) -> QWidget:
        """The page `name`, built now if it has not been (put in its tab in place of the placeholder)."""
        page = self.pages.get(name)
        if page is not None:
            return page
        index = self.index_of(name)
        module, cls = self.tabs[index].page.split(":")
        page = self.build(self.tabs[index], getattr(importlib.import_module(f"ui.{module}"), cls))
        self.pages[name] = page
        placeholder, current = self.widget(index), self.currentIndex() == index
        blocked = self.blockSignals(True)  # the same tab stays current: nothing to tell
        try:
            self.insertTab(index, page, self.tabText(index))
            self.setTabToolTip(index, self.tabToolTip(index + 1))
            if current:
                self.setCurrentIndex(index)
            self.removeTab(index + 1)
        finally:
            self.blockSignals(blocked)
        placeholder.deleteLater()
        return page

    def built(self) -> Iterable[QWidget]:
        return list(self.pages.values())

    def title(self, name: str) -> str:
        return self.tabs[self.index_of(name)].title

    def index_of(self, name: str) -> int:
        return next(i for i, tab in enumerate(self.tabs) if tab.name == name)

    def _made_current(self, index: int) -> None:
        if index >= 0:
            self.page(self.tabs[index].name)

    def showEvent(self, event):
        if self.tabs[self.currentIndex()].name not in self.pages:
            after_painted(self.window(), lambda: self._made_current(self.currentIndex()))
        super().showEvent(event)


class _AfterPaint(QObject):
    def __init__(self, widget: QWidget, action: Callable[[], object], at_once: bool):
        super().__init__(widget)
        self.action, self.at_once = action, at_once
        widget.installEventFilter(self)

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            if self.at_once:
                self.action()
            else:
                QTimer.singleShot(0, self.parent(), self.action)  # once this whole paint is on screen
            self.deleteLater()
        return False


def after_painted(widget: QWidget, action: Callable[[], object], at_once: bool = False) -> None:
    """`action` at the event loop's next turn after `widget` first paints; `at_once`: as the paint begins
    (the start-up benchmark quits there, before anything the paint let run)."""
    _AfterPaint(widget, action, at_once)


def page_attribute(name: str) -> property:
    """The window's attribute for the page `name` of its tabs (built when first read)."""
    return property(lambda window: window.tabs.page(name))


MenuItem = tuple[str, str | None, Callable[[], object]] | None  # text, shortcut, slot; None: a separator


def add_menu(window: QMainWindow, title: str, items: Sequence[MenuItem]) -> None:
    menu = window.menuBar().addMenu(title)
    for item in items:
        if item is None:
            menu.addSeparator()
            continue
        text, shortcut, slot = item
        action = QAction(text, window)
        if shortcut:  # setShortcut's overloads would build Qt's whole namespace of enums before the first paint
            action.setShortcuts([QKeySequence(shortcut)])
        action.triggered.connect(slot)
        menu.addAction(action)
