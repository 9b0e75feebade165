"""A short written text sent to the other end of the upward trip: a question about a household, a
commune's year returned with a comment, the commune's answer. What it is about is shown above it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QPlainTextEdit, QWidget

from . import screen
from .messages import run_guarded
from .widgets import FormDialog, error_label, set_error, wrapped

MAX_CHARS = 2000  # what the level above and the commune take (exchange.upper_level, exchange.outbox)


class TextDialog(FormDialog):
    """`about` are (caption, text) lines shown read-only; the officer writes in `caption`'s field and
    `ok_text` (Ctrl+S too) calls `send(text)`: a refusal stays in the dialog on its error line, a send
    that is done closes it. Esc asks first when something was written."""

    def __init__(
        self,
        title: str,
        about: Sequence[tuple[str, str]],
        caption: str,
        send: Callable[[str], object],
        ok_text: str,
        text: str = "",
        placeholder: str = "",
        note: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(title, parent)
        self.send = send
        form = QFormLayout()
        for what, value in about:
            shown = wrapped(value)
            form.addRow(QLabel(what), shown)
        self.text = QPlainTextEdit(text)
        self.text.setPlaceholderText(placeholder)
        self.text.setTabChangesFocus(True)  # Tab goes on to the buttons
        self.text.setMinimumHeight(120)
        label = QLabel(caption)
        label.setBuddy(self.text)
        form.addRow(label, self.text)
        self.count = QLabel()
        form.addRow("", self.count)
        self.layout_.addLayout(form, 1)
        if note:
            self.layout_.addWidget(wrapped(note))
        self.error = error_label()
        self.layout_.addWidget(self.error)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(f"{ok_text} (Ctrl+S)")
        self.finish_layout()
        self.watch(self.text)
        self.text.textChanged.connect(self._count)
        self._count()
        self.dirty = False
        self.text.moveCursor(QTextCursor.MoveOperation.End)  # a text begun for the officer goes on where it ends
        self.text.setFocus()
        screen.fit(self, 640)

    def written(self) -> str:
        return self.text.toPlainText().strip()

    def _count(self) -> None:
        n = len(self.written())
        self.count.setText(f"{n}/{MAX_CHARS:,} ký tự".replace(",", "."))
        if self.error.isVisible() and n:
            set_error(self.error, None)

    def save(self) -> bool:
        if not self.written():
            set_error(self.error, "Hãy viết nội dung trước khi gửi.")
            self.text.setFocus()
            return False
        return run_guarded(self, lambda: self.send(self.written()), on_refused=lambda m: set_error(self.error, m))
