"""The Qt binding keeps its references right: a window makes tens of thousands of calls into Qt, and a
binding that lets go of one reference to None at each (PySide6 6.12 on Python 3.11, where None is
counted like any object) frees None itself and the program dies ("none_dealloc")."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel

CALLS = 3000


def test_calls_that_return_nothing_keep_none_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for n in range(CALLS):
        label.setText(f"Dòng {n % 3}")
        QCoreApplication.processEvents()
    assert sys.getrefcount(None) > before - CALLS // 10


def test_qts_words_looked_up_keep_none_alive():
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Hủy"
    before = sys.getrefcount(None)
    for n in range(CALLS):  # no disambiguation: Qt hands the translator a null, None in Python
        assert QCoreApplication.translate("QFileDialog", f"Unlisted {n % 3}") == f"Unlisted {n % 3}"
    assert sys.getrefcount(None) > before - CALLS // 10
