"""Vietnamese for Qt's own words: standard buttons, message boxes, file dialogs, edit menus.

Qt ships no Vietnamese translation, so a translator answers from this table; anything not listed
stays as Qt wrote it.
"""

from __future__ import annotations

from PySide6.QtCore import QTranslator

VIETNAMESE = {
    "QPlatformTheme": {
        "OK": "Đồng ý",
        "Save": "Lưu",
        "Save All": "Lưu tất cả",
        "Open": "Mở",
        "&Yes": "&Có",
        "Yes to &All": "Có với &tất cả",
        "&No": "&Không",
        "N&o to All": "Khô&ng với tất cả",
        "Abort": "Hủy bỏ",
        "Retry": "Thử lại",
        "Ignore": "Bỏ qua",
        "Close": "Đóng",
        "Cancel": "Hủy",
        "Discard": "Bỏ thay đổi",
        "Help": "Trợ giúp",
        "Apply": "Áp dụng",
        "Reset": "Đặt lại",
        "Restore Defaults": "Khôi phục mặc định",
        "Don't Save": "Không lưu",
        "Close without Saving": "Đóng không lưu",
    },
    "QMessageBox": {"Show Details...": "Xem chi tiết...", "Hide Details...": "Ẩn chi tiết...", "OK": "Đồng ý"},
    "QFileDialog": {
        "Look in:": "Thư mục:",
        "File &name:": "&Tên tệp:",
        "Files of type:": "Loại tệp:",
        "&Open": "&Mở",
        "&Save": "&Lưu",
        "&Choose": "&Chọn",
        "Open": "Mở",
        "Save As": "Lưu thành",
        "Back": "Quay lại",
        "Forward": "Tiến tới",
        "Parent Directory": "Thư mục cha",
        "Create New Folder": "Tạo thư mục mới",
        "List View": "Dạng danh sách",
        "Detail View": "Dạng chi tiết",
        "All Files (*)": "Mọi tệp (*)",
        "New Folder": "Thư mục mới",
        "&Delete": "&Xóa",
        "&Rename": "Đổi &tên",
        "Show &hidden files": "Hiện tệp ẩn",
        "&New Folder": "Thư mục &mới",
        "Directory:": "Thư mục:",
        "File": "Tệp",
        "My Computer": "Máy tính",
        "Computer": "Máy tính",
        "Recent Places": "Vừa mở",
        "%1 already exists.\nDo you want to replace it?": "%1 đã có.\nGhi đè lên tệp này?",
        "%1\nFile not found.\nPlease verify the correct file name was given.": "%1\nKhông tìm thấy tệp.\nHãy kiểm tra lại tên tệp.",
    },
    "QFileSystemModel": {
        "Name": "Tên",
        "Size": "Kích thước",
        "Type": "Loại",
        "Kind": "Loại",
        "Date Modified": "Ngày sửa",
    },
    "QWidgetTextControl": {
        "&Undo": "&Hoàn tác",
        "&Redo": "&Làm lại",
        "Cu&t": "Cắ&t",
        "&Copy": "&Chép",
        "&Paste": "&Dán",
        "Delete": "Xóa",
        "Select All": "Chọn tất cả",
    },
    "QLineEdit": {
        "&Undo": "&Hoàn tác",
        "&Redo": "&Làm lại",
        "Cu&t": "Cắ&t",
        "&Copy": "&Chép",
        "&Paste": "&Dán",
        "Delete": "Xóa",
        "Select All": "Chọn tất cả",
    },
    "QShortcut": {"Ctrl": "Ctrl", "Shift": "Shift", "Del": "Del"},
}


class VietnameseTranslator(QTranslator):
    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        # None reaches Qt as a null string: "not translated here", so Qt keeps its own words. An empty
        # string would be taken as the translation, and every unlisted text would show blank.
        return VIETNAMESE.get(context, {}).get(source)

    def isEmpty(self) -> bool:
        return False
