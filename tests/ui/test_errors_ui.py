"""Refusals and bugs in the window: a refusal is shown as it is; a bug, in a window action, a background
job or the UI thread itself, is logged with its traceback and told with the log's path, and the page
that started it stays usable."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QPainter, QPdfWriter

from thidua_desktop.errors import BUG_TITLE, Refused
from ui.app import report_crash
from ui.common.messages import run_guarded
from ui.common.worker import Worker


class Listener(QObject):
    """Receives a Worker's signals in the UI thread, as a page does."""

    def __init__(self):
        super().__init__()
        self.worker: Worker | None = None
        self.failed: list[str] = []
        self.finished: list[object] = []
        self.thread_ended: list[bool] = []

    def on_progress(self, pct: int, text: str) -> None:
        pass

    def on_finished(self, result) -> None:
        self.finished.append(result)

    def on_failed(self, message: str) -> None:
        self.failed.append(message)
        self.thread_ended.append(self.worker.thread_.isFinished())


def run_job(qtbot, store, work) -> Listener:
    listener = Listener()
    listener.worker = Worker(listener, store, work, listener.on_progress, listener.on_finished, listener.on_failed)
    qtbot.waitUntil(lambda: bool(listener.failed or listener.finished), timeout=10000)
    return listener


def broken(store, progress):
    progress(10, "Đang làm...")
    raise RuntimeError("the job's own mistake")


def test_a_bug_in_a_job_is_logged_and_told_with_the_log_and_the_thread_ends(qtbot, store, log_file):
    listener = run_job(qtbot, store, broken)
    assert listener.finished == []
    [message] = listener.failed
    assert message.startswith(BUG_TITLE) and str(log_file) in message
    assert listener.thread_ended == [True]
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged
    assert "RuntimeError: the job's own mistake" in logged and "broken" in logged


def test_a_refusal_in_a_job_is_told_as_it_is(qtbot, store, log_file):
    def refused(store, progress):
        raise Refused("Tệp dữ liệu đang bị khóa. Hãy đóng chương trình khác rồi thử lại.")

    listener = run_job(qtbot, store, refused)
    assert listener.failed == ["Tệp dữ liệu đang bị khóa. Hãy đóng chương trình khác rồi thử lại."]
    assert listener.thread_ended == [True]
    assert "Traceback" not in log_file.read_text(encoding="utf-8")


def test_a_job_that_works_hands_back_its_result(qtbot, store):
    listener = run_job(qtbot, store, lambda store, progress: store.path.name)
    assert listener.finished == ["commune.sqlite"] and listener.failed == []


def test_run_guarded_tells_a_bug_with_the_log_and_goes_on(log_file, prompts):
    def action():
        raise RuntimeError("a window action's mistake")

    assert run_guarded(None, action) is False
    assert "lỗi không mong muốn" in prompts[-1] and str(log_file) in prompts[-1]
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback" in logged and "RuntimeError: a window action's mistake" in logged


def test_run_guarded_shows_a_refusal_as_it_is_or_on_the_forms_line(log_file, prompts):
    def action():
        raise Refused("Mã xã gồm đúng 5 chữ số.")

    assert run_guarded(None, action) is False
    assert prompts[-1] == "Mã xã gồm đúng 5 chữ số."
    said = []
    assert run_guarded(None, action, on_refused=said.append) is False
    assert said == ["Mã xã gồm đúng 5 chữ số."] and len(prompts) == 1
    assert run_guarded(None, lambda: None) is True
    assert log_file.read_text(encoding="utf-8") == ""


def test_a_bug_escaping_to_the_excepthook_is_told_the_same_way(log_file, prompts):
    try:
        raise ValueError("escaped from a slot")
    except ValueError:
        report_crash(*sys.exc_info())
    assert "lỗi không mong muốn" in prompts[-1] and str(log_file) in prompts[-1]
    assert "ValueError: escaped from a slot" in log_file.read_text(encoding="utf-8")
    try:
        raise Refused("Ổ đĩa đã đầy.")
    except Refused:
        report_crash(*sys.exc_info())
    assert prompts[-1] == "Ổ đĩa đã đầy."


def test_the_evaluation_page_is_usable_again_after_its_job_fails_with_a_bug(
    qtbot, filled_store, monkeypatch, log_file, prompts
):
    from thidua_desktop.evaluation import service
    from ui.evaluation.page import EvaluationPage

    page = EvaluationPage(filled_store)
    qtbot.addWidget(page)
    page.show()
    page.year.setValue(2019)
    real_run = service.run

    def evaluation_bug(store, year, chosen):
        raise RuntimeError("the evaluator's mistake")

    monkeypatch.setattr(service, "run", evaluation_bug)
    with qtbot.waitSignal(page.evaluated, timeout=30000):
        page.run_button.click()
    assert page.run_button.isEnabled() and not page.progress.isVisible() and page._worker is None
    assert prompts[-1].startswith(BUG_TITLE) and str(log_file) in prompts[-1]
    assert "RuntimeError: the evaluator's mistake" in log_file.read_text(encoding="utf-8")
    monkeypatch.setattr(service, "run", real_run)
    with qtbot.waitSignal(page.evaluated, timeout=30000):
        page.run_button.click()
    assert page.report is not None and page.report["year"] == 2019


def test_qt_keeps_its_own_words_where_the_table_has_none():
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Hủy"
    assert QCoreApplication.translate("QLocalSocket", "%1: Connection refused") == "%1: Connection refused"


def test_a_copy_of_a_printout_that_cannot_be_written_is_refused_and_nothing_left(qtbot, store, tmp_path, prompts):
    from ui.printing.preview import PdfPreview

    pdf = tmp_path / "trang.pdf"
    writer = QPdfWriter(str(pdf))
    painter = QPainter(writer)
    painter.drawText(100, 100, "Biên bản")
    painter.end()
    view = PdfPreview(store, [pdf], "Biên bản")
    qtbot.addWidget(view)
    view._copy([(pdf, tmp_path / "khong-co" / "trang.pdf")])
    assert prompts[-1].startswith(f"Không ghi được tệp {tmp_path / 'khong-co' / 'trang.pdf'}")
    assert view.saved == []
    view._copy([(pdf, tmp_path / "ban-sao.pdf")])
    assert (tmp_path / "ban-sao.pdf").read_bytes() == pdf.read_bytes() and view.saved == [tmp_path / "ban-sao.pdf"]
