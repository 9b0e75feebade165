"""Long work off the UI thread: a job with its own connection to the file, reporting back by signals.

A refusal ends the job with its Vietnamese message; any other exception is our bug, logged with its
traceback and told as one: the message starts with BUG_TITLE (so `show_error` tells it as a bug) and
gives the log's path. Either way the thread ends and `failed` fires, so the page that started the job
becomes usable again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from thidua_desktop import paths
from thidua_desktop.care import LOG_FILE
from thidua_desktop.errors import BUG_TITLE, Refused, bug_message, log_bug
from thidua_desktop.store import Store

Work = Callable[[Store, Callable[[int, str], None]], object]


class StoreJob(QObject):
    progress = Signal(int, str)
    finished = Signal(object)
    failed = Signal(str)  # a Vietnamese message: the situation and what to do, or a bug with the log's path

    def __init__(self, db_path: Path, actor: str, work: Work):
        super().__init__()
        self.db_path, self.actor, self.work = db_path, actor, work

    def run(self) -> None:
        store = None
        try:
            store = Store.open(self.db_path, actor=self.actor)
            result = self.work(store, self.progress.emit)
        except Refused as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - a job's bug must end the job, not the thread silently
            log_bug(exc, f"background job {getattr(self.work, '__qualname__', self.work)!r}")
            self.failed.emit(f"{BUG_TITLE}.\n{bug_message(paths.logs_dir() / LOG_FILE)}")
        else:
            self.finished.emit(result)
        finally:
            if store is not None:
                store.close()


class Worker(QObject):
    """Runs one StoreJob in a thread. The callbacks are methods of widgets, so they run in the UI thread."""

    def __init__(self, parent: QObject, store: Store, work: Work, on_progress, on_finished, on_failed):
        super().__init__(parent)
        self.thread_ = QThread(self)
        self.job = StoreJob(store.path, store.actor, work)
        self.job.moveToThread(self.thread_)
        self.thread_.started.connect(self.job.run)
        self.job.progress.connect(on_progress)
        self.job.finished.connect(self._stop)
        self.job.failed.connect(self._stop)
        self.job.finished.connect(on_finished)
        self.job.failed.connect(on_failed)
        self.thread_.start()

    def _stop(self, *_):
        self.thread_.quit()
        self.thread_.wait()
        self.job.deleteLater()
        self.deleteLater()
