"""Small input widgets and the form-dialog behaviour every form shares."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

from PySide6.QtCore import QDate, QElapsedTimer, QModelIndex, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from thidua_desktop.domain import JUDGEMENT_LABELS, MAX_YEAR, MIN_YEAR
from thidua_desktop.evaluation import criteria
from thidua_desktop.evaluation.criteria import CriteriaError, CriteriaSet
from thidua_desktop.register.rules import parse_money
from thidua_desktop.text import fold, format_vnd

from .messages import confirm, show_error

ERROR_COLOR = "#b00020"
ERROR_STYLE = f"color: {ERROR_COLOR};"


FOLDED_ROLE = Qt.ItemDataRole.UserRole + 40  # an item's text without diacritics, for typing to find it
TYPING_PAUSE_MS = 1500  # a pause this long starts the typed search over (Qt's own is 0.4 s: too quick)


def find_typed(labels: list[str], typed: str) -> int:
    """The item an officer means by what was typed, -1 for none: the first whose text starts with it
    (without diacritics, any case), else the first with a word that does, so that "khuoi" finds
    "Thôn Khuổi Phầy" among a list of "Thôn ..."."""
    wanted = fold(typed)
    if not wanted:
        return -1
    folded = [fold(label) for label in labels]
    for i, text in enumerate(folded):
        if text.startswith(wanted):
            return i
    for i, text in enumerate(folded):
        if f" {wanted}" in f" {text}" or f"({wanted}" in text:
            return i
    return -1


class SearchCombo(QComboBox):
    """A drop-down chosen by typing: letters typed one after another (a pause starts over, Backspace
    takes one back) pick the item `find_typed` finds. An editable one finds its items the same way in a
    list under it (see `searchable`)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._typed = ""
        self._since = QElapsedTimer()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.isEditable() or event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            super().keyPressEvent(event)
            return
        if self._since.isValid() and self._since.elapsed() > TYPING_PAUSE_MS:
            self._typed = ""
        text = event.text()
        if event.key() == Qt.Key.Key_Backspace and self._typed:
            self._typed = self._typed[:-1]
        elif text and text.isprintable() and (self._typed or not text.isspace()):
            self._typed += text
        else:
            self._typed = ""
            super().keyPressEvent(event)
            return
        self._since.restart()
        found = find_typed([self.itemText(i) for i in range(self.count())], self._typed)
        if found >= 0:
            self.setCurrentIndex(found)
        event.accept()

    def focusOutEvent(self, event) -> None:
        self._typed = ""
        super().focusOutEvent(event)


def searchable(combo: QComboBox) -> None:
    """An editable drop-down over many items (households): what is typed, without diacritics, finds
    items by any word of their text in a list under the field; Enter or a click picks one."""
    index, text = combo.currentIndex(), combo.currentText()
    for i in range(combo.count()):
        combo.setItemData(i, fold(combo.itemText(i)), FOLDED_ROLE)
    completer = QCompleter(combo.model(), combo)
    completer.setCompletionRole(FOLDED_ROLE)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setMaxVisibleItems(12)
    line = combo.lineEdit()
    combo.setCompleter(None)  # Qt's own completer matches the start of the text, with its diacritics
    completer.setWidget(line)

    def typed(text: str) -> None:
        completer.setCompletionPrefix(fold(text))
        if text.strip():
            completer.complete()

    def picked(index) -> None:
        source = completer.completionModel().mapToSource(index)
        if source.isValid():
            combo.setCurrentIndex(source.row())

    line.textEdited.connect(typed)
    completer.activated[QModelIndex].connect(picked)
    combo.typed_completer = completer
    combo.setCurrentIndex(index)  # as it was before: a value typed by hand included
    combo.setEditText(text)


class TriStateCombo(SearchCombo):
    """An assessment: Chưa đánh giá / Có / Không, standing for None / True / False."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        for value in (None, True, False):
            self.addItem(JUDGEMENT_LABELS[value], value)

    def value(self) -> bool | None:
        return self.currentData()

    def set_value(self, value: bool | None) -> None:
        self.setCurrentIndex({None: 0, True: 1, False: 2}[value])


class ChoiceCombo(SearchCombo):
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


class RangeSpin(QSpinBox):
    """A number within a range that says so when typing goes beyond it: the number is not taken, the
    value stays as it was, and `refused` carries the message (a form shows it on the field's error
    line; elsewhere it shows by the field)."""

    refused = Signal(str)

    def __init__(self, low: int, high: int, what: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setRange(low, high)
        self.what = what
        self.told_by_form = False

    def bounds(self) -> tuple[int, int]:
        """The range a typed number must be in (a subclass may keep its lowest value for 'unknown')."""
        return self.minimum(), self.maximum()

    def message(self, typed: str) -> str:
        low, high = self.bounds()
        return f"{self.what} phải từ {low} đến {high}; không nhận {typed}."

    def _tell(self, typed: str) -> None:
        text = self.message(typed)
        self.refused.emit(text)
        if not self.told_by_form:
            QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), text, self)

    def _typed_beyond(self) -> str | None:
        text = self.cleanText().strip()
        if not text.isdigit():
            return None
        low, high = self.bounds()
        return None if low <= int(text) <= high else text

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            beyond = self._typed_beyond()
            if beyond is not None:
                self._tell(beyond)
        line = self.lineEdit()
        before, cursor, chosen = line.text(), line.cursorPosition(), line.selectedText()
        super().keyPressEvent(event)
        digit = event.text()
        if digit.isdigit() and line.text() == before:  # the key was not taken: what would it have made?
            if chosen:
                start = line.selectionStart() if line.hasSelectedText() else cursor - len(chosen)
                would = before[:start] + digit + before[start + len(chosen) :]
            else:
                would = before[:cursor] + digit + before[cursor:]
            digits = "".join(ch for ch in would if ch.isdigit())
            if digits and int(digits) > self.bounds()[1]:
                self._tell(digits)

    def focusOutEvent(self, event) -> None:
        beyond = self._typed_beyond()
        if beyond is not None:
            self._tell(beyond)
        super().focusOutEvent(event)


class OptionalYearSpin(RangeSpin):
    """A year that may be unknown: the lowest value reads as the special text."""

    def __init__(self, low: int, high: int, empty_text: str, what: str = "Năm", parent: QWidget | None = None):
        super().__init__(low - 1, high, what, parent)
        self.setSpecialValueText(empty_text)
        self._low = low

    def bounds(self) -> tuple[int, int]:
        return self._low, self.maximum()

    def value_or_none(self) -> int | None:
        v = self.value()
        return None if v < self._low else v

    def set_value_or_none(self, value: int | None) -> None:
        self.setValue(self._low - 1 if value is None else value)


class OptionalCountSpin(OptionalYearSpin):
    """A count that may be unknown (shown as "chưa rõ"), from 0 up to `high`."""

    def __init__(self, high: int, what: str, parent: QWidget | None = None):
        super().__init__(0, high, "chưa rõ", what, parent)


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


class LatestYearSpin(RangeSpin):
    """The year a page shows: the latest year that has review records (or this year), following the
    years that come (an import, a new year's records) until the officer chooses a year himself."""

    def __init__(self, store, what: str = "Năm", parent: QWidget | None = None):
        super().__init__(MIN_YEAR, MAX_YEAR, what, parent)
        self.store = store
        self.chosen = False
        QSpinBox.setValue(self, self._latest())

    def _latest(self) -> int:
        years = self.store.register.record_years()
        return years[-1] if years else _dt.date.today().year

    def setValue(self, value: int) -> None:  # a year set on purpose stays
        self.chosen = True
        super().setValue(value)

    def stepBy(self, steps: int) -> None:
        self.chosen = True
        super().stepBy(steps)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.text().isdigit():
            self.chosen = True
        super().keyPressEvent(event)

    def follow(self) -> bool:
        """Show the latest year with records, unless a year was chosen; quietly (the page is reloading
        anyway). True when the year changed."""
        latest = self._latest()
        if self.chosen or latest == self.value():
            return False
        self.blockSignals(True)
        QSpinBox.setValue(self, latest)
        self.blockSignals(False)
        return True


def latest_year_spin(store, what: str = "Năm") -> LatestYearSpin:
    """A year chooser starting at the latest year that has review records (or this year)."""
    return LatestYearSpin(store, what)


def year_bar(
    store, layout: QVBoxLayout, on_change: Callable | None = None, year: int | None = None, caption: str = "&Năm:"
) -> QSpinBox:
    """The year a page shows, alone in a bar above it: `year`, or the latest year with review records."""
    bar = QHBoxLayout()
    spin = latest_year_spin(store)
    if year is not None:
        spin.setValue(year)
    if on_change:
        spin.valueChanged.connect(on_change)
    add_labelled(bar, (caption, spin))
    bar.addStretch(1)
    layout.addLayout(bar)
    return spin


def ask_new_year(parent: QWidget, existing: set[int], title: str = "Thêm năm") -> int | None:
    """A year not yet in `existing`, or None when the officer cancels or picks one already there."""
    default = max(existing) + 1 if existing else _dt.date.today().year
    year, ok = QInputDialog.getInt(parent, title, f"Năm (từ {MIN_YEAR} đến {MAX_YEAR}):", default, MIN_YEAR, MAX_YEAR)
    return year if ok and year not in existing else None


def year_item(year: int) -> QTableWidgetItem:
    return read_only_item(str(year))


def read_only_item(text: str = "") -> QTableWidgetItem:
    """A cell that shows what was worked out (a year, a name, a result): selectable, never typed over."""
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class WrappedLabel(QLabel):
    """A label whose long text wraps onto as many lines as it needs, and is given their height: a
    window's layout does not ask a wrapped label its height for its width, and squeezes a two-line
    message into one (its diacritics cut off above and below)."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)  # its lines, no more, no less

    def _fit_height(self) -> None:
        width = self.width() if self.width() > 1 else super().sizeHint().width()
        self.setMinimumHeight(self.heightForWidth(width) if self.text() else 0)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        # Qt's hint for a wrapped label is a narrow block of several lines, which a form row takes as
        # its height: the lines its text takes at the width it has.
        hint = super().sizeHint()
        if self.width() > 1 and self.text():
            return QSize(hint.width(), self.heightForWidth(self.width()))
        return hint

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit_height()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_height()


def wrapped(text: str = "") -> WrappedLabel:
    return WrappedLabel(text)


def error_label() -> WrappedLabel:
    label = WrappedLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


def set_error(label: QLabel, message: str | None) -> None:
    """A field's error line: shown with the message, gone when there is none."""
    label.setProperty("refusal", False)
    label.setText(message or "")
    label.setVisible(bool(message))


def tell_on(spin: RangeSpin, label: QLabel) -> None:
    """A number typed beyond the field's range is told on the field's error line, which goes again
    as soon as the field holds another value."""
    spin.told_by_form = True

    def refused(message: str) -> None:
        set_error(label, message)
        label.setProperty("refusal", True)
        label.setProperty("kept_value", spin.value())  # the value that stays; another one clears the message

    def changed(*_args) -> None:
        if label.property("refusal") and spin.value() != label.property("kept_value"):
            set_error(label, None)

    spin.refused.connect(refused)
    spin.valueChanged.connect(changed)


class ContentsScrollArea(QScrollArea):
    """A scroll area that asks for the whole size of its contents (Qt's asks for at most 24 lines), so
    a window is as tall as its form when the screen has room, and scrolls only when it has not."""

    def sizeHint(self) -> QSize:
        content = self.widget()
        if content is None:
            return super().sizeHint()
        hint = content.sizeHint()
        frame = 2 * self.frameWidth()
        return QSize(hint.width() + frame + self.verticalScrollBar().sizeHint().width(), hint.height() + frame)


def scrolled(content: QWidget) -> QScrollArea:
    """Long contents in a scroll area of their own, so that the window around them fits the screen."""
    area = ContentsScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(content)
    return area


class FormDialog(QDialog):
    """Enter saves, Ctrl+S too, Esc cancels, and leaving with unsaved changes asks first.

    Subclasses build their fields, call `watch()` on them, and implement `save()` returning True
    when the record was stored (False keeps the dialog open, showing the errors). A form that checks
    implements `check()`: it sets each field's error line and returns every problem. Once a save has
    failed, every change checks the form again, so an error goes the moment it is fixed. The problems
    not already shown on a visible field are listed above the buttons.
    """

    changed = Signal()

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.dirty = False
        self._failed = False
        self.layout_ = QVBoxLayout(self)
        # Parented at once: a default button only becomes the dialog's Enter button inside it.
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Lưu")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")  # Esc; no letter of its own
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
        if self._failed:
            QTimer.singleShot(0, self, self.recheck)  # after the change has reached every field

    def check(self) -> list[str]:
        return []

    def recheck(self) -> list[str]:
        problems = self.check()
        self.show_summary(problems)
        return problems

    def save(self) -> bool:
        raise NotImplementedError

    def _try_save(self) -> None:
        if self.save():
            self._failed = False
            self.dirty = False
            self.changed.emit()
            self.accept()
        else:
            self._failed = True

    def show_summary(self, messages: list[str]) -> None:
        shown = {
            label.text()
            for label in self.findChildren(WrappedLabel)
            if label is not self.summary and label.isVisibleTo(self)
        }
        rest = [m for m in messages if m not in shown]
        self.summary.setText("\n".join(rest))
        self.summary.setVisible(bool(rest))

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
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")  # Esc; no letter of its own
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
