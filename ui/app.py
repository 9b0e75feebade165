"""Start the window: the QApplication, Vietnamese for Qt's own words, the store, first-run setup."""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from thidua_desktop import care, paths, settings
from thidua_desktop.errors import Refused
from thidua_desktop.store import Store

from .common import screen, single_instance
from .common.messages import show_bug, show_error
from .common.translator import VietnameseTranslator
from .common.window import after_painted
from .main_window import MainWindow

if TYPE_CHECKING:  # (an import statement run after Qt's costs PySide6 a read of that module's source)
    import argparse
    from types import TracebackType
    from typing import TextIO

    from .upper.upper_window import UpperWindow

CRASH_LOG = "thidua-crash.log"


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("ThiDua Desktop")
    app.setOrganizationName("ThiDua")
    app.setWindowIcon(QIcon(str(paths.resource("icon", "thidua.png"))))
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    translator = VietnameseTranslator(app)
    app.installTranslator(translator)
    return app


def demo_store(actor: str | None) -> Store:
    """A realistic commune in a temporary file, for a first look at every screen."""
    import atexit
    import shutil
    import tempfile

    from thidua_desktop.register import dataset, demo

    folder = Path(tempfile.mkdtemp(prefix="thidua-demo-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # a look, not a place to keep data
    store = Store.open(folder / "demo.sqlite", actor=actor or "Cán bộ mẫu")
    dataset.import_data(store, demo.generate(households=300, villages=6), "dữ liệu mẫu")
    return store


def open_store(args: argparse.Namespace) -> Store:
    if args.demo:
        return demo_store(args.officer)
    store = Store.open(args.db or paths.default_db(), actor=args.officer)
    if not args.officer:
        store.actor = settings.OFFICER.get(store) or store.actor
    return store


def log_qt_messages() -> None:
    """Qt's own warnings go to the log file, not to a console the officer never sees."""
    log = logging.getLogger("thidua.qt")
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }
    qInstallMessageHandler(lambda kind, context, message: log.log(levels.get(kind, logging.WARNING), message))


def report_crash(kind: type[BaseException], value: BaseException | None, tb: TracebackType | None) -> None:
    """sys.excepthook, for what escaped in the UI thread (a slot, an event handler, the start): a refusal
    is shown as run_guarded shows it; anything else is a bug, logged with its traceback and told as every
    bug is, with the log's path, never as a traceback."""
    if not issubclass(kind, Exception):  # Ctrl+C in a console, SystemExit: not a bug
        sys.__excepthook__(kind, value or kind(), tb)
        return
    exc = value if value is not None else kind()
    if isinstance(exc, Refused):
        show_error(QApplication.activeWindow(), str(exc))
        return
    show_bug(QApplication.activeWindow(), exc.with_traceback(tb) if tb is not None else exc, "the UI thread")


def previous_crash() -> Path | None:
    """The crash log the last run left (faulthandler writes only when the program dies), moved aside
    under its time so this run starts a fresh one; None after a clean exit."""
    crash_log = paths.logs_dir() / CRASH_LOG
    try:
        if crash_log.stat().st_size == 0:
            return None
        import datetime as _dt

        kept = crash_log.with_name(f"thidua-crash-{_dt.datetime.now():%Y%m%d-%H%M%S}.log")
        crash_log.rename(kept)
    except OSError:
        return None
    return kept


def tell_previous_crash(window, kept: Path) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(
        window,
        "Lần trước chương trình bị tắt đột ngột",
        "Lần sử dụng trước, chương trình đã bị tắt đột ngột (lỗi của chương trình, không phải do thao tác "
        "của bạn). Dữ liệu đã lưu trước đó vẫn còn nguyên. Hãy gửi tệp sau cho người hỗ trợ để sửa lỗi:\n"
        f"{kept}",
    )


def keep_native_crashes() -> TextIO:
    """A native crash (in Qt, SQLite or PDFium) writes the Python stack of every thread to
    logs/thidua-crash.log. faulthandler writes to the file's descriptor, so the file stays open until
    `faulthandler.disable()`; it is not the rotating log, whose renames would leave the descriptor behind."""
    crash_log = open(paths.logs_dir() / CRASH_LOG, "a", encoding="utf-8")  # closed by run_gui, after disable()
    faulthandler.enable(crash_log, all_threads=True)
    return crash_log


def run_gui(args: argparse.Namespace) -> int:
    care.setup_logging()
    crashed = previous_crash()
    crash_log = keep_native_crashes()
    try:
        return _run_window(args, crashed)
    finally:
        faulthandler.disable()
        crash_log.close()


def _run_window(args: argparse.Namespace, crashed: Path | None = None) -> int:
    app = make_application()
    log_qt_messages()
    sys.excepthook = report_crash
    name, lock = None, None
    if not args.demo:
        name = single_instance.server_name(args.db or paths.default_db())
        lock = single_instance.claim(name)
        if lock is None and single_instance.knock(name):
            return 0  # the window that has this file open came forward
    try:
        return _open_and_show(app, args, name, crashed)
    finally:
        if lock is not None:
            lock.unlock()


def _open_and_show(app: QApplication, args: argparse.Namespace, name: str | None, crashed: Path | None) -> int:
    try:
        store = open_store(args)
    except Refused as exc:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "Không mở được dữ liệu", str(exc))
        return 1
    try:
        if not store.is_upper_level() and store.register.commune() is None:
            from .commune.commune_page import CommuneDialog

            if not CommuneDialog(store, first_run=True).exec():
                return 0
        if store.is_upper_level():
            from .upper.upper_window import UpperWindow  # the level above: the same program in upper-level mode

            window: MainWindow | UpperWindow = UpperWindow(store)
        else:
            window = MainWindow(store, demo=args.demo)

        def once_on_screen() -> None:
            if name is not None:  # later starts on this file knock here
                single_instance.InstanceServer(name, window).activated.connect(window.bring_forward)
            if not args.demo:
                daily_backup(store)
            if crashed is not None:
                tell_previous_crash(window, crashed)

        after_painted(window, once_on_screen)
        if args.quit_when_shown:
            after_painted(window, lambda: painted(app), at_once=True)
        screen.show_filling(window)
        return app.exec()
    finally:
        store.close()


def painted(app: QApplication) -> None:
    """--quit-when-shown: the start-up benchmark times the launch to the window's first paint, told on
    stdout as the system's monotonic clock (the same for every process), then the program ends."""
    if sys.stdout is not None:  # a windowed build has none
        print(f"painted at {time.monotonic():.6f}", flush=True)
    app.exit(0)


def daily_backup(store: Store) -> None:
    """The day's first copy of the file (care.daily_backup); a refusal (a full disk, say) is logged and the
    window goes on, a bug is told as one."""
    try:
        care.daily_backup(store)
    except Refused as exc:
        logging.getLogger("thidua").warning("daily backup failed: %s", exc)
    except Exception as exc:  # noqa: BLE001 - a bug in the daily backup is told as one, and the window still opens
        show_bug(QApplication.activeWindow(), exc, "daily backup")


def run_smoke_test() -> int:
    """--smoke-test: a temporary data folder, the main window offscreen, one evaluation and one printed
    page; 0 when all of it worked. The frozen build runs it before it is packaged."""
    import atexit
    import shutil
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = Path(tempfile.mkdtemp(prefix="thidua-smoke-"))
    os.environ["THIDUA_DATA_DIR"] = str(folder)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # the check leaves nothing behind
    from PySide6.QtPrintSupport import QPrinter

    from thidua_desktop.evaluation import criteria, service
    from thidua_desktop.register import dataset, demo

    from .printing.preview import page_count

    app = make_application()
    care.setup_logging()
    log_qt_messages()
    store = Store.open(folder / "smoke.sqlite", actor="smoke-test")
    dataset.import_data(store, demo.generate(households=60, villages=3), "dữ liệu mẫu")
    window = MainWindow(store)
    window.show()
    app.processEvents()
    result = service.run(store, 2019, criteria.load())
    window.evaluation.show_report(result)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(folder / "smoke.pdf"))
    window.evaluation.print_to(printer)
    from thidua_desktop.documents import dossier

    meeting = store.meetings.find(2019)[0]
    minutes = dossier.write_minutes(store, meeting["id"], folder / "bien-ban.pdf", criteria.load())
    printed = all(p.read_bytes().startswith(b"%PDF") for p in (folder / "smoke.pdf", minutes))
    printed = printed and page_count(minutes) >= 2
    window.close()
    store.close()
    ok = printed and bool(result.report["households"])
    print("Tự kiểm tra: đạt." if ok else "Tự kiểm tra: KHÔNG ĐẠT.")
    return 0 if ok else 1
