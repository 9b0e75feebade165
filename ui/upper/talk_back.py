"""What the level above's checks and questions pages share: the households they name, the state of a
commune's year, the questions and returns written to a commune, and a fresh receipt that carries them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from thidua_desktop.exchange import upper_level
from thidua_desktop.files import atomic_write
from thidua_desktop.store import Store

from ..common.messages import run_guarded, show_done
from ..common.text_dialog import TextDialog
from ..register.history import local_time

YEAR_STATE_COLORS = {"received": "#e7f1ff", "checked": "#fff3cd", "returned": "#f8d7da", "approved": "#dff0d8"}
GOES_DOWN = (
    "Câu hỏi và ý kiến đi xuống xã trong biên nhận tiếp theo (hoặc bấm 'Ghi biên nhận mới cho xã' để ghi ngay "
    "vào USB của xã)."
)


def household_labels(store: Store, wanted: Iterable[tuple[str, str | None]]) -> dict[tuple[str, str], str]:
    """'Nguyễn Văn An (H00001, Thôn Nà Khà)' for each (commune code, household id), from the commune's
    copy (a household the commune has since deleted too); one copy opened per commune."""
    by_code: dict[str, set[str]] = {}
    for code, hid in wanted:
        if hid:
            by_code.setdefault(code, set()).add(hid)
    out: dict[tuple[str, str], str] = {}
    for code, ids in by_code.items():
        if not upper_level.commune_path(store, code).exists():
            continue
        copy = upper_level.commune_store(store, code)
        try:
            for h in copy.register.household_names(ids=sorted(ids), include_deleted=True).values():
                out[(code, h.id)] = h.label
        finally:
            copy.close()
    return out


def state_label(held: dict | None) -> str:
    return upper_level.YEAR_STATE_LABELS.get((held or {}).get("state"), "")


def state_details(held: dict | None) -> str:
    """'Đã duyệt lúc 01/12/2026 16:40, Cán bộ tỉnh: ...' (with the comment of a return)."""
    if not held:
        return "Chưa nhận dữ liệu năm này."
    text = f"{state_label(held)} lúc {local_time(held['at'], seconds=False)}"
    if held.get("actor"):
        text += f", {held['actor']}"
    if held.get("comment"):
        text += f": {held['comment']}"
    return text


def ask_dialog(
    store: Store, code: str, commune: str, household_id: str, household: str, flag: str, parent: QWidget | None = None
) -> TextDialog:
    """A question to the commune about one of its households, starting from what the check found."""
    about = [("Xã:", f"{commune} ({code})"), ("Hộ:", household)] + ([("Cảnh báo:", flag)] if flag else [])
    return TextDialog(
        "Hỏi xã về một hộ",
        about,
        "&Câu hỏi gửi xã:",
        lambda text: upper_level.ask(store, code, household_id, text),
        "&Gửi câu hỏi",
        text=f"{flag} Đề nghị xã kiểm tra lại và trả lời." if flag else "",
        placeholder="Ví dụ: Hộ có thật sự 9 nhân khẩu không? Đề nghị xã kiểm tra lại.",
        note=GOES_DOWN,
        parent=parent,
    )


def return_dialog(
    store: Store, code: str, commune: str, year: int, text: str, parent: QWidget | None = None
) -> TextDialog:
    """The commune's year sent back with a comment: what to fix before it is sent again."""
    return TextDialog(
        f"Trả lại năm {year} của xã",
        [("Xã:", f"{commune} ({code})"), ("Năm:", str(year))],
        "Ý &kiến gửi xã:",
        lambda comment: upper_level.return_year(store, code, year, comment),
        "&Trả lại cho xã",
        text=text,
        placeholder=f"Ví dụ: Thôn Nà Khà còn 12 hộ chưa có kết quả rà soát năm {year}; đề nghị xã rà soát bổ sung "
        "rồi gửi lại.",
        note="Năm này chờ xã sửa và gửi gói mới rồi mới duyệt được. " + GOES_DOWN,
        parent=parent,
    )


def save_fresh_receipt(parent: QWidget, store: Store, code: str, name: str) -> bool:
    """A new receipt for the commune's last package, carrying every question, return and decision made
    since, written where the officer chooses (the commune's USB stick)."""
    folder = QFileDialog.getExistingDirectory(parent, "Ghi biên nhận vào thư mục (USB của xã)")
    if not folder:
        return False
    target = Path(folder) / f"bien-nhan-{code}.json"
    if run_guarded(parent, lambda: atomic_write(target, upper_level.fresh_receipt(store, code))):
        show_done(parent, f"Đã ghi biên nhận mới cho {name or code}: {target}. Mang tệp này về xã.")
        return True
    return False
