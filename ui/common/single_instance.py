"""One window per database file: a second start brings the running window forward instead.

The window that has a file open holds a lock file for it (QtCore's QLockFile, freed by the system's
check of its process if the program died), and listens on a local socket named after the file once it
has painted; a later start that finds the file locked knocks on that socket and ends. QtNetwork is
imported only to knock or to listen, after the window is on screen."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QCryptographicHash, QLockFile, QObject, Signal

ANSWER_WITHIN_S = 3.0  # a window that holds the lock but is still starting listens within this


def server_name(db_path: Path) -> str:
    """A name per database file and user, so two different files may still be open side by side."""
    path = str(Path(db_path).resolve()).encode("utf-8")
    digest = bytes(QCryptographicHash.hash(path, QCryptographicHash.Algorithm.Sha1).toHex()).decode()[:16]
    return f"thidua-{digest}"


def claim(name: str) -> QLockFile | None:
    """This start's hold on the file, kept while the window lives; None when a running window holds it."""
    lock = QLockFile(str(Path(tempfile.gettempdir()) / f"{name}.lock"))
    lock.setStaleLockTime(0)  # a lock is stale only when the process that took it is gone
    return lock if lock.tryLock(0) else None


def ask_running_window(name: str, timeout_ms: int = 500) -> bool:
    """True when a window already has this file open; it has been asked to come forward."""
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(b"show\n")
    socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return True


def knock(name: str) -> bool:
    """The file is locked by a running window: ask it to come forward, waiting for it to listen if it
    is still starting. False when it does not answer (it hangs): the caller opens the file anyway."""
    deadline = time.monotonic() + ANSWER_WITHIN_S
    while not ask_running_window(name, timeout_ms=300):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


class InstanceServer(QObject):
    """Listens for later starts on the same file and says so, so the window can raise itself."""

    activated = Signal()

    def __init__(self, name: str, parent: QObject | None = None):
        from PySide6.QtNetwork import QLocalServer

        super().__init__(parent)
        self.server = QLocalServer(self)
        if not self.server.listen(name):
            QLocalServer.removeServer(name)  # left behind by a program that crashed
            self.server.listen(name)
        self.server.newConnection.connect(self._connection)

    def _connection(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: s.readAll())  # the message is only a knock
            socket.disconnected.connect(socket.deleteLater)
            self.activated.emit()
