"""The baseline of the start-up benchmark: a bare PySide6 window, built and started like the program and
ended as `main.py --quit-when-shown` ends it: at its first paint, told on stdout by the system's
monotonic clock."""

import sys
import time

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow


class QuitAfterPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print(f"painted at {time.monotonic():.6f}", flush=True)
            app.exit(0)
        return False


app = QApplication(sys.argv)
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1280, 780)
quitter = QuitAfterPaint()
window.installEventFilter(quitter)
window.show()
sys.exit(app.exec())
