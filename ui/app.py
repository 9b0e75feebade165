"""Start the window: the QApplication, Vietnamese for Qt's own words, the store, first-run setup."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QMessageBox

from thidua_desktop import dataset, demo, paths
from thidua_desktop.store import Store, StoreError

from .commune.commune_page import CommuneDialog
from .common.translator import VietnameseTranslator
from .main_window import MainWindow


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("ThiDua Desktop")
    app.setOrganizationName("ThiDua")
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    translator = VietnameseTranslator(app)
    app.installTranslator(translator)
    return app


def demo_store(actor: str | None) -> Store:
    """A realistic commune in a temporary file, for a first look at every screen."""
    folder = Path(tempfile.mkdtemp(prefix="thidua-demo-"))
    store = Store.open(folder / "demo.sqlite", actor=actor or "Cán bộ mẫu")
    dataset.import_data(store, demo.generate(households=300, villages=6), "dữ liệu mẫu")
    return store


def open_store(args: argparse.Namespace) -> Store:
    if args.demo:
        return demo_store(args.officer)
    store = Store.open(args.db or paths.default_db(), actor=args.officer)
    if not args.officer:
        store.actor = store.setting("officer") or store.actor
    return store


def run_gui(args: argparse.Namespace) -> int:
    app = make_application()
    try:
        store = open_store(args)
    except StoreError as exc:
        QMessageBox.critical(None, "Không mở được dữ liệu", str(exc))
        return 1
    if store.commune() is None and not CommuneDialog(store, first_run=True).exec():
        return 0
    window = MainWindow(store, demo=args.demo)
    window.show()
    code = app.exec()
    store.close()
    return code
