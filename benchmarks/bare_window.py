"""The baseline of the start-up benchmark: a bare PySide6 window, built and started like the program and
ended as `main.py --quit-when-shown` ends it, at the event loop's turn after its first paint."""

import sys

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow


class QuitAfterPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            app.exit(0)  # as main.py --quit-when-shown does: the loop ends, the window painted
        return False


app = QApplication(sys.argv)
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1280, 780)
quitter = QuitAfterPaint()
window.installEventFilter(quitter)
window.show()
sys.exit(app.exec())
