"""Small input widgets and the form-dialog behaviour every form shares."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from thidua_desktop import paths
from thidua_desktop.care import LOG_FILE
from thidua_desktop.domain import JUDGEMENT_LABELS, MAX_YEAR, MIN_YEAR
from thidua_desktop.errors import BUG_TITLE, Refused, bug_message, log_bug
from thidua_desktop.evaluation import criteria
from thidua_desktop.evaluation.criteria import CriteriaError, CriteriaSet
from thidua_desktop.register.rules import parse_money
from thidua_desktop.text import format_vnd

ERROR_COLOR = "#b00020"
ERROR_STYLE = f"color: {ERROR_COLOR};"


class TriStateCombo(QComboBox):
    """An assessment: Chưa đánh giá / Có / Không, standing for None / True / False."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        for value in (None, True, False):
            self.addItem(JUDGEMENT_LABELS[value], value)

    def value(self) -> bool | None:
        return self.currentData()

    def set_value(self, value: bool | None) -> None:
        self.setCurrentIndex({None: 0, True: 1, False: 2}[value])


class ChoiceCombo(QComboBox):
    """A combo over (value, label) pairs."""

    def __init__(self, labels: dict, parent: QWidget | None = None):
        super().__init__(parent)
        for value, label in labels.items():
            self.addItem(label, value)

    def value(self):
        return self.currentData()

    def set_value(self, value) -> None:
        index = self.findData(value)
        self.setCurrentIndex(max(index, 0))


class OptionalYearSpin(QSpinBox):
    """A year that may be unknown: the lowest value reads as the special text."""

    def __init__(self, low: int, high: int, empty_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setRange(low - 1, high)
        self.setSpecialValueText(empty_text)
        self._low = low

    def value_or_none(self) -> int | None:
        v = self.value()
        return None if v < self._low else v

    def set_value_or_none(self, value: int | None) -> None:
        self.setValue(self._low - 1 if value is None else value)


class MoneyEdit(QLineEdit):
    """Whole đồng, typed with or without dots: '1.500.000'. Empty means unknown."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText("chưa rõ")
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.editingFinished.connect(self._reformat)

    def amount(self) -> int | None:
        """The amount, or None when empty; raises ValueError with a Vietnamese message."""
        return parse_money(self.text())

    def set_amount(self, value: int | None) -> None:
        self.setText(format_vnd(value))

    def _reformat(self) -> None:
        try:
            self.set_amount(self.amount())
        except ValueError:
            pass


def add_labelled(bar: QHBoxLayout, *pairs: tuple[str, QWidget]) -> None:
    """Caption and field side by side; the caption's mnemonic focuses the field."""
    for text, widget in pairs:
        caption = QLabel(text)
        caption.setBuddy(widget)
        bar.addWidget(caption)
        bar.addWidget(widget)


def latest_year_spin(store) -> QSpinBox:
    """A year chooser starting at the latest year that has review records (or this year)."""
    spin = QSpinBox()
    spin.setRange(MIN_YEAR, MAX_YEAR)
    years = store.register.record_years()
    spin.setValue(years[-1] if years else _dt.date.today().year)
    return spin


def year_bar(store, layout: QVBoxLayout, on_change: Callable | None = None, year: int | None = None) -> QSpinBox:
    """The year a page shows, alone in a bar above it: `year`, or the latest year with review records."""
    bar = QHBoxLayout()
    spin = latest_year_spin(store)
    if year is not None:
        spin.setValue(year)
    if on_change:
        spin.valueChanged.connect(on_change)
    add_labelled(bar, ("&Năm:", spin))
    bar.addStretch(1)
    layout.addLayout(bar)
    return spin


def ask_new_year(parent: QWidget, existing: set[int], title: str = "Thêm năm") -> int | None:
    """A year not yet in `existing`, or None when the officer cancels or picks one already there."""
    default = max(existing) + 1 if existing else _dt.date.today().year
    year, ok = QInputDialog.getInt(parent, title, "Năm:", default, MIN_YEAR, MAX_YEAR)
    return year if ok and year not in existing else None


def year_item(year: int) -> QTableWidgetItem:
    item = QTableWidgetItem(str(year))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


class FormDialog(QDialog):
    """Enter saves, Esc cancels, and leaving with unsaved changes asks first.

    Subclasses build their fields, call `watch()` on them, and implement `save()` returning True
    when the record was stored (False keeps the dialog open, showing the errors).
    """

    changed = Signal()

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.dirty = False
        self.layout_ = QVBoxLayout(self)
        # Parented at once: a default button only becomes the dialog's Enter button inside it.
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Lưu")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Hủy")
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setDefault(True)
        self.buttons.accepted.connect(self._try_save)
        self.buttons.rejected.connect(self.reject)
        self.summary = error_label()
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self._try_save)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.summary)
        self.layout_.addWidget(self.buttons)

    def watch(self, *widgets: QWidget) -> None:
        for w in widgets:
            for signal in ("textEdited", "currentIndexChanged", "valueChanged", "toggled", "textChanged"):
                sig = getattr(w, signal, None)
                if sig is not None:
                    sig.connect(self.mark_dirty)
                    break

    def mark_dirty(self, *_args) -> None:
        self.dirty = True

    def save(self) -> bool:
        raise NotImplementedError

    def _try_save(self) -> None:
        if self.save():
            self.dirty = False
            self.changed.emit()
            self.accept()

    def show_summary(self, messages: list[str]) -> None:
        self.summary.setText("\n".join(messages))
        self.summary.setVisible(bool(messages))

    def reject(self) -> None:
        if self.dirty and not confirm(
            self,
            "Chưa lưu thay đổi",
            "Bạn đã sửa thông tin nhưng chưa lưu. Bỏ các thay đổi này?",
            yes="Bỏ thay đổi",
            no="Tiếp tục sửa",
        ):
            return
        self.dirty = False
        super().reject()


class LoadsWhenShown:
    """A tab that reads the file only when it is on screen: the window opens without loading every
    tab, and a change made elsewhere marks it stale instead of reloading it unseen. Subclasses
    implement `load()`."""

    stale = True

    def reload(self) -> None:
        if not self.isVisible():
            self.stale = True
            return
        self.stale = False
        self.load()

    def showEvent(self, event):
        if self.stale:
            self.reload()
        super().showEvent(event)


def date_edit(iso: str | None = None) -> QDateEdit:
    """A date typed or picked as Vietnamese write it (05/01/2020); today when none is given."""
    edit = QDateEdit(QDate.fromString(iso, "yyyy-MM-dd") if iso else QDate.currentDate())
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit


def ok_cancel(dialog: QDialog, ok_text: str, on_ok: Callable | None = None) -> QDialogButtonBox:
    """OK and Cancel in Vietnamese, parented at once (so Enter presses OK); OK accepts unless `on_ok`."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Hủy")
    buttons.accepted.connect(on_ok or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def button_row(*pairs: tuple[str | None, Callable | None]) -> QHBoxLayout:
    """Buttons left to right, then the stretch; (None, None) leaves a gap between groups."""
    row = QHBoxLayout()
    for text, slot in pairs:
        if text is None:
            row.addSpacing(24)
            continue
        button = QPushButton(text)
        button.clicked.connect(slot)
        row.addWidget(button)
    row.addStretch(1)
    return row


def chosen_criteria(parent: QWidget, store) -> CriteriaSet | None:
    """The criteria set the officer chose for this file, or None after saying why it cannot be read."""
    try:
        return criteria.load_chosen(store)
    except CriteriaError as exc:
        show_error(parent, str(exc))
        return None


def bring_forward(window: QWidget) -> None:
    """Someone started the program again on this file: show this window instead."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


def confirm(parent: QWidget, title: str, text: str, yes: str = "Đồng ý", no: str = "Không") -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


@contextmanager
def wait_cursor() -> Iterator[None]:
    """The hourglass over the window while a short piece of work runs in the UI thread; back to the
    arrow however the work ends, before anything is told about it."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()


def show_error(parent: QWidget | None, text: str, title: str = "Không thực hiện được") -> None:
    """A refusal under `title`. A background job's bug (its message starts with BUG_TITLE: worker.py)
    is told as every bug is, whatever the page would call its refusals."""
    if text.startswith(BUG_TITLE):
        QMessageBox.critical(parent, BUG_TITLE, text)
        return
    QMessageBox.warning(parent, title, text)


def run_guarded(
    parent: QWidget | None, action: Callable[[], object], on_refused: Callable[[str], object] | None = None
) -> bool:
    """Run an action the officer asked for. A refusal (a locked or full file, a rule the record breaks)
    is shown as it is, in a message box or by `on_refused` (a form's own error line); anything else is
    our bug: logged with its traceback and told as one, and the window goes on. True when the action
    was done."""
    try:
        action()
    except Refused as exc:
        (on_refused or (lambda text: show_error(parent, text)))(str(exc))
        return False
    except Exception as exc:  # noqa: BLE001 - the one place a window action's bug is caught, logged and told
        show_bug(parent, exc, getattr(action, "__qualname__", "action"))
        return False
    return True


def show_bug(parent: QWidget | None, exc: BaseException, where: str) -> None:
    log_bug(exc, where)
    QMessageBox.critical(parent, BUG_TITLE, bug_message(paths.logs_dir() / LOG_FILE))
