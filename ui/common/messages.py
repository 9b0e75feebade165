"""How the window tells the officer things: results, questions, refusals and our own bugs (logged, with
the log's path); and running a dialog or an action so that nothing escapes. Light on purpose: the main
windows need it before their first paint."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import shiboken6
from PySide6 import QtCore
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QWidget

from thidua_desktop import paths, settings
from thidua_desktop.care import LOG_FILE
from thidua_desktop.errors import BUG_TITLE, Refused, bug_message, log_bug
from thidua_desktop.store.database import default_actor

# Qt's message box is imported where a message is shown, as every dialog of the window is: its class and
# enums are a few milliseconds a start that shows none need not spend.


def exec_dialog(dialog: QDialog) -> bool:
    """Run a modal dialog, then let it go: a dialog left as its page's child keeps what it showed
    (pages of a preview, a printer it was given) for as long as the window lives. True when accepted."""
    try:
        return bool(dialog.exec())
    finally:
        dialog.deleteLater()


def delete_now(widget: QWidget) -> None:
    """Delete a finished dialog at once, while what it was given (a QPrinter) still exists."""
    if shiboken6.isValid(widget):
        shiboken6.delete(widget)


def later(owner: QWidget, action: Callable[[], object]) -> None:
    """Run `action` once the event that asked for it is over (a view's own signal must not rebuild that
    view under it); through run_guarded, and not at all if `owner` is gone by then."""
    QTimer.singleShot(0, owner, lambda: run_guarded(owner, action))


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


def show_done(parent: QWidget | None, text: str, title: str = "Đã xong") -> None:
    """A result the officer reads where he looks, not in the status bar at the window's foot."""
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.information(parent, title, text)


def confirm(parent: QWidget, title: str, text: str, yes: str = "Đồng ý", no: str = "Không") -> bool:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def show_error(parent: QWidget | None, text: str, title: str = "Không thực hiện được") -> None:
    """A refusal under `title`. A background job's bug (its message starts with BUG_TITLE: worker.py)
    is told as every bug is, whatever the page would call its refusals."""
    from PySide6.QtWidgets import QMessageBox

    if text.startswith(BUG_TITLE):
        QMessageBox.critical(parent, BUG_TITLE, text)
        return
    QMessageBox.warning(parent, title, text)


def show_bug(parent: QWidget | None, exc: BaseException, where: str) -> None:
    log_bug(exc, where)
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(parent, BUG_TITLE, bug_message(paths.logs_dir() / LOG_FILE))


@contextmanager
def wait_cursor() -> Iterator[None]:
    """The hourglass over the window while a short piece of work runs in the UI thread; back to the
    arrow however the work ends, before anything is told about it."""
    QGuiApplication.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)  # Qt's namespace: only when needed
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()


def officer_name(store) -> str | None:
    """The officer's name as given (in the window or with --officer), or None: the computer's login
    name, which the change history falls back on, is not a person's name to show."""
    given = settings.OFFICER.get(store)
    if given:
        return given
    return store.actor if store.actor and store.actor != default_actor() else None


def bring_forward(window: QWidget) -> None:
    """Someone started the program again on this file: show this window instead."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
