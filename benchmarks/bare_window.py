"""The baseline of the start-up benchmark: a bare PySide6 window, built and started like the program."""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv)
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1280, 780)
window.show()
QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
