import pytest

from ui.app import make_application


@pytest.fixture(autouse=True)
def vietnamese_app(qapp):
    """The application as the program makes it: Vietnamese for Qt's own words."""
    return make_application()


@pytest.fixture(autouse=True)
def prompts(monkeypatch):
    """Answer every confirmation prompt with yes and swallow message boxes, recording what they said.

    A modal box left waiting would hang the run; tests read what the officer would have been told.
    """
    said = []

    def answer(value):
        def prompt(parent, title, text, yes="Đồng ý", no="Không"):
            said.append(text)
            return value
        return prompt

    from PySide6.QtWidgets import QMessageBox
    import ui.main_window  # noqa: F401 - loads every module whose prompts are patched below
    for module_name in ("ui.common.widgets", "ui.register.household_dialog", "ui.register.household_page",
                        "ui.register.village_page", "ui.review.grid", "ui.main_window"):
        module = __import__(module_name, fromlist=["confirm"])
        if hasattr(module, "confirm"):
            monkeypatch.setattr(module, "confirm", answer(True))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: said.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: said.append(a[2]))
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: said.append(a[2]))
    monkeypatch.setattr(QMessageBox, "about", lambda *a, **k: said.append(a[2]))
    for module_name in ("ui.common.widgets", "ui.main_window", "ui.review.grid"):
        module = __import__(module_name, fromlist=["show_error"])
        if hasattr(module, "show_error"):
            monkeypatch.setattr(module, "show_error", lambda parent, text, title="": said.append(text))
    return said
