"""Refusals versus bugs: the one line between the user's situation and our mistake.

`Refused` is the base of every refusal a person reads (a locked or full file, a dataset, a sheet, a
criteria set, a package, a paper, a nomination): the message is Vietnamese and says what to do.
Anything else that escapes is a bug: `log_bug` writes it with its traceback to the log file and
`bug_message` is what the person is told, with the log's path.
"""

from __future__ import annotations

import logging
from pathlib import Path

BUG_TITLE = "Lỗi không mong muốn"


class Refused(Exception):
    """A situation the user can act on; the message (Vietnamese) says what happened and what to do.
    Whatever raised it has written nothing."""


def log_bug(exc: BaseException, where: str) -> None:
    logging.getLogger("thidua").error("unexpected error in %s", where, exc_info=(type(exc), exc, exc.__traceback__))


def bug_message(log_path: Path | None) -> str:
    where = f"\n{log_path}" if log_path else ""
    return (
        "Chương trình gặp lỗi không mong muốn (lỗi của chương trình, không phải do thao tác của bạn). "
        "Dữ liệu đã lưu không bị ảnh hưởng; việc đang làm chưa được ghi. Hãy gửi tệp nhật ký cho người "
        f"hỗ trợ:{where}"
    )
