"""Long work off the UI thread: a job with its own connection to the file, reporting back by signals."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QThread, Signal

from thidua_desktop.criteria import CriteriaError
from thidua_desktop.dataset import DatasetRefused
from thidua_desktop.store import Store, StoreError

Work = Callable[[Store, Callable[[int, str], None]], object]


class StoreJob(QObject):
    progress = Signal(int, str)
    finished = Signal(object)
    failed = Signal(str)   # a Vietnamese message: the situation, and what to do

    def __init__(self, db_path: Path, actor: str, work: Work):
        super().__init__()
        self.db_path, self.actor, self.work = db_path, actor, work

    def run(self) -> None:
        try:
            store = Store.open(self.db_path, actor=self.actor)
        except StoreError as exc:
            self.failed.emit(str(exc))
            return
        try:
            self.finished.emit(self.work(store, self.progress.emit))
        except DatasetRefused as exc:
            self.failed.emit(exc.summary(limit=30))
        except (StoreError, CriteriaError) as exc:
            self.failed.emit(str(exc))
        except OSError as exc:
            self.failed.emit(f"Không đọc hoặc ghi được tệp {exc.filename or ''}: {exc.strerror}")
        finally:
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
