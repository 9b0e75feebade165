"""Command line: the arguments of main.py and the headless commands (shared/domain/interfaces.md).

Exit codes: 0 done, 1 input refused (which file, record and field, and why), 2 wrong usage, 3 a bug of
the program (logged with its traceback; the message gives the log's path).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from thidua_desktop import __version__
from thidua_desktop.errors import Refused, bug_message, log_bug

if TYPE_CHECKING:
    from thidua_desktop.evaluation.criteria import CriteriaSet
    from thidua_desktop.store import Store

# Each command imports what it needs when it runs: the window and every command start without the rest.

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3

# argparse speaks English; these are the messages an officer can meet, in Vietnamese.
_ARGPARSE_VI = [
    ("the following arguments are required: ", "thiếu tham số bắt buộc: "),
    ("unrecognized arguments: ", "tham số không hợp lệ: "),
    ("invalid choice: ", "lệnh không có: "),
    ("invalid int value: ", "không phải số nguyên: "),
    ("expected one argument", "cần đúng một giá trị"),
    ("argument ", "tham số "),
    ("choose from", "chọn một trong"),
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        for en, vi in _ARGPARSE_VI:
            message = message.replace(en, vi)
        self.print_usage(sys.stderr)
        print(f"Lỗi cách dùng: {message}", file=sys.stderr)
        print("Gõ 'python main.py --help' để xem hướng dẫn.", file=sys.stderr)
        sys.exit(EXIT_USAGE)


_WINDOW_VALUES = {"--db": "db", "--officer": "officer"}
_WINDOW_FLAGS = {"--demo": "demo", "--smoke-test": "smoke_test", "--quit-when-shown": "quit_when_shown"}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The arguments of main.py. A start of the window (its own options, written out whole, no command) is
    read here: building the commands' thirty-odd parsers costs a tenth of the window's start, and even
    argparse's parser of the options alone a few milliseconds. Anything else (a command, help, a
    shortened option, a mistake) is read, and told, by the whole command line."""
    window = _window_options(sys.argv[1:] if argv is None else argv)
    return window if window is not None else build_parser().parse_args(argv)


def _window_options(argv: Sequence[str]) -> argparse.Namespace | None:
    """`build_parser().parse_args(argv)` where argv holds only the window's options as written in
    `_add_options`; None for anything else."""
    found: dict[str, object] = {name: None for name in _WINDOW_VALUES.values()}
    found.update((name, False) for name in _WINDOW_FLAGS.values())
    words = iter(argv)
    for word in words:
        option, equals, value = word.partition("=")
        if option in _WINDOW_FLAGS and not equals:
            found[_WINDOW_FLAGS[option]] = True
        elif option in _WINDOW_VALUES:
            if not equals:
                value = next(words, "-")
                if value.startswith("-"):  # argparse's: a missing value, or an option (or a number) it judges
                    return None
            found[_WINDOW_VALUES[option]] = Path(value) if option == "--db" else value
        else:
            return None
    return argparse.Namespace(**found, command=None)


def _add_options(parser: argparse.ArgumentParser) -> None:
    """The options before any command, the window's own (--version and --help end the program at once:
    the whole command line's, told only once the line is known to be right)."""
    parser.add_argument("--db", type=Path, help="tệp dữ liệu khác với tệp mặc định trong thư mục dữ liệu người dùng")
    parser.add_argument("--officer", help="tên cán bộ ghi vào nhật ký thay đổi (mặc định: tên người dùng máy)")
    parser.add_argument("--demo", action="store_true", help="mở một xã mẫu trong tệp tạm để xem thử")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="tự kiểm tra: mở cửa sổ (không hiện), đánh giá và in một lần trong thư mục tạm, rồi thoát",
    )
    parser.add_argument("--quit-when-shown", action="store_true", help=argparse.SUPPRESS)  # start-up benchmark


def build_parser() -> argparse.ArgumentParser:
    from thidua_desktop.settings import DEFAULT_CRITERIA_SET

    parser = _Parser(
        prog="main.py",
        description="ThiDua Desktop: phong trào 'Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau'. "
        "Không có lệnh: mở cửa sổ chương trình.",
        add_help=True,
    )
    parser.add_argument("--version", action="version", version=f"ThiDua Desktop {__version__}")
    _add_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser)
    p = sub.add_parser("import-json", help="nhập tệp dữ liệu JSON (kiểm tra trước, ghi tất cả hoặc không ghi gì)")
    p.add_argument("file", type=Path, metavar="DATASET.json")
    p = sub.add_parser("export-json", help="xuất toàn bộ dữ liệu của xã ra tệp JSON")
    p.add_argument("file", type=Path, metavar="OUT.json")
    p = sub.add_parser("excel-template", help="ghi mẫu Excel để nhập danh sách hộ")
    p.add_argument("file", type=Path, metavar="OUT.xlsx")
    p = sub.add_parser("import-excel", help="nhập danh sách hộ từ tệp Excel theo mẫu (ghi tất cả hoặc không ghi gì)")
    p.add_argument("file", type=Path, metavar="FILE.xlsx")
    p.add_argument("--create-villages", action="store_true", help="tạo thôn chưa có trong chương trình")
    p = sub.add_parser("export-households", help="xuất mọi hộ và kết quả rà soát ra Excel theo mẫu")
    p.add_argument("file", type=Path, metavar="OUT.xlsx")
    p = sub.add_parser("export-report", help="báo cáo kết quả phong trào của một năm ra Excel")
    p.add_argument("--year", type=int, required=True, metavar="NĂM")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    p.add_argument("--criteria", default=None, metavar="TÊN", help="bộ tiêu chí (mặc định: bộ đã chọn)")
    p = sub.add_parser("print-dossier", help="in hồ sơ đề nghị khen thưởng của một năm ra các tệp PDF")
    p.add_argument("--year", type=int, required=True, metavar="NĂM")
    p.add_argument("--out", type=Path, required=True, metavar="THƯ_MỤC")
    p.add_argument("--number", type=int, default=None, metavar="SỐ", help="số của tờ trình (để trống: ghi tay)")
    p.add_argument("--date", type=_iso_date, default=None, metavar="YYYY-MM-DD", help="ngày ký (mặc định: hôm nay)")
    p.add_argument("--signer", default=None, metavar="HỌ_TÊN", help="Chủ tịch UBND xã ký tờ trình")
    p.add_argument("--to", default=None, metavar="NƠI_NHẬN", help="'Kính gửi' của tờ trình (mặc định: theo cài đặt)")
    p.add_argument("--decision-number", type=int, default=None, metavar="SỐ", help="số Quyết định khen thưởng của xã")
    p.add_argument("--deputy", action="store_true", help="Phó Chủ tịch ký thay (KT. CHỦ TỊCH)")
    p.add_argument("--criteria", default=None, metavar="TÊN", help="bộ tiêu chí (mặc định: bộ đã chọn)")
    p = sub.add_parser("print-minutes", help="in biên bản một cuộc họp bình xét ra PDF")
    p.add_argument("meeting_id", metavar="MEETING_ID")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    p.add_argument("--blank", action="store_true", help="biên bản trống và phiếu kiểm đếm để mang đến cuộc họp")
    p.add_argument(
        "--copies",
        type=int,
        default=2,
        choices=range(1, 6),
        metavar="SỐ_BẢN",
        help="số bản biên bản (mặc định 2: một bản lưu ở thôn, một bản gửi xã)",
    )
    p.add_argument("--criteria", default=None, metavar="TÊN", help="bộ tiêu chí (mặc định: bộ đã chọn)")
    p = sub.add_parser("package", help="xã: gói dữ liệu gửi lên cấp trên (đã ký, đã mã hóa)")
    psub = p.add_subparsers(dest="action", metavar="VIỆC", parser_class=_Parser, required=True)
    q = psub.add_parser("setup", help="tin cậy cấp trên theo tệp thiết lập cấp trên gửi xuống")
    q.add_argument("file", type=Path, metavar="UPPER_SETUP_FILE")
    q.add_argument(
        "--replace", action="store_true", help="thay cấp trên đã thiết lập (sau khi gọi điện đối chiếu mã nhận diện)"
    )
    psub.add_parser("fingerprint", help="in mã nhận diện khóa của xã (đọc cho cấp trên qua điện thoại)")
    q = psub.add_parser("export", help="ghi gói tiếp theo vào một thư mục (USB, thư mục chia sẻ) và in đường dẫn")
    q.add_argument("--out", type=Path, required=True, metavar="THƯ_MỤC")
    q = psub.add_parser("receipt", help="nhận biên nhận của cấp trên")
    q.add_argument("file", type=Path, metavar="RECEIPT_FILE")
    q = psub.add_parser("send", help="gửi các gói chưa có biên nhận qua mạng tới địa chỉ của cấp trên")
    q.add_argument("--address", default=None, metavar="URL", help="mặc định: địa chỉ trong tệp thiết lập")
    psub.add_parser("outbox", help="liệt kê hộp thư đi")
    psub.add_parser("new-key", help="tạo khóa mới khi khóa cũ bị mất hoặc lộ (cấp trên phải xác nhận lại)")
    q = psub.add_parser("queries", help="các câu hỏi và ý kiến trả lại của cấp trên")
    q.add_argument("--json", action="store_true", help="in dạng JSON")
    q = psub.add_parser("answer", help="trả lời một câu hỏi của cấp trên (gửi lên trong gói tiếp theo)")
    q.add_argument("query_id", metavar="QUERY_ID")
    q.add_argument("--text", required=True, metavar="NỘI_DUNG")
    p = sub.add_parser("upper", help="cấp trên (huyện, tỉnh): nhận gói của các xã")
    usub = p.add_subparsers(dest="action", metavar="VIỆC", parser_class=_Parser, required=True)
    q = usub.add_parser("init", help="biến tệp này thành tệp của cấp trên, có khóa riêng; ghi tệp thiết lập cho xã")
    q.add_argument("--name", required=True, metavar="TÊN")
    q.add_argument("--level", required=True, choices=["district", "province"])
    q.add_argument("--setup-out", type=Path, required=True, metavar="FILE")
    q.add_argument("--address", default=None, metavar="URL", help="địa chỉ hộp thư đến qua mạng (nếu có)")
    q = usub.add_parser("setup-file", help="ghi lại tệp thiết lập cho xã (có thể kèm bộ tiêu chí)")
    q.add_argument("--out", type=Path, required=True, metavar="FILE")
    q.add_argument("--criteria-file", type=Path, default=None, metavar="BỘ_TIÊU_CHÍ.json")
    q = usub.add_parser("trust", help="xác nhận khóa của một xã theo mã nhận diện đọc qua điện thoại")
    q.add_argument("code", metavar="COMMUNE_CODE")
    q.add_argument("--fingerprint", required=True, metavar="FP")
    q = usub.add_parser("import", help="kiểm tra và nhập các gói, ghi biên nhận")
    q.add_argument("files", type=Path, nargs="+", metavar="PACKAGE")
    q.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và báo cáo, không ghi gì")
    q.add_argument("--receipt-dir", type=Path, default=None, metavar="THƯ_MỤC")
    q = usub.add_parser("serve-inbox", help="nhận gói qua mạng (HTTP)")
    q.add_argument("--host", default="127.0.0.1", metavar="H")
    q.add_argument("--port", type=int, default=8765, metavar="N")
    q = usub.add_parser("decide", help="quyết định về một đề nghị khen thưởng của xã (gửi về trong biên nhận)")
    q.add_argument("code", metavar="COMMUNE_CODE")
    q.add_argument("nomination_id", metavar="NOMINATION_ID")
    q.add_argument("--status", required=True, choices=["decided", "returned"])
    q.add_argument("--number", default=None, metavar="SỐ_QĐ")
    q.add_argument("--date", type=_iso_date, default=None, metavar="YYYY-MM-DD")
    q.add_argument("--comment", default=None, metavar="Ý_KIẾN")
    q = usub.add_parser("receipt", help="ghi biên nhận mới cho gói cuối của một xã (mang các quyết định mới)")
    q.add_argument("code", metavar="COMMUNE_CODE")
    q.add_argument("--out", type=Path, required=True, metavar="THƯ_MỤC")
    q = usub.add_parser("report", help="báo cáo của cấp trên cho một năm ra Excel (.xlsx) hoặc PDF (.pdf)")
    q.add_argument("--year", type=int, required=True, metavar="NĂM")
    q.add_argument("--out", type=Path, required=True, metavar="FILE")
    q = usub.add_parser("checks", help="các cảnh báo kiểm tra dữ liệu của một năm")
    q.add_argument("--year", type=int, required=True, metavar="NĂM")
    q.add_argument("--json", action="store_true", help="in dạng JSON")
    q = usub.add_parser("query", help="hỏi xã về một hộ (gửi xuống trong biên nhận tiếp theo)")
    q.add_argument("code", metavar="COMMUNE_CODE")
    q.add_argument("--household", required=True, metavar="HOUSEHOLD_ID")
    q.add_argument("--text", required=True, metavar="NỘI_DUNG")
    q.add_argument("--year", type=int, default=None, metavar="NĂM", help="năm mà câu hỏi nói tới (nếu có)")
    q = usub.add_parser("return", help="trả lại dữ liệu một năm của xã kèm ý kiến")
    q.add_argument("code", metavar="COMMUNE_CODE")
    q.add_argument("--year", type=int, required=True, metavar="NĂM")
    q.add_argument("--text", required=True, metavar="Ý_KIẾN")
    q = usub.add_parser("approve", help="duyệt dữ liệu một năm của xã")
    q.add_argument("code", metavar="COMMUNE_CODE")
    q.add_argument("--year", type=int, required=True, metavar="NĂM")
    q = usub.add_parser("queries", help="mọi câu hỏi và ý kiến trả lại, với tình trạng")
    q.add_argument("--json", action="store_true", help="in dạng JSON")
    q = usub.add_parser("close-query", help="đóng một câu hỏi đã được trả lời")
    q.add_argument("query_id", metavar="QUERY_ID")
    p = sub.add_parser("evaluate", help="đánh giá hộ, thôn và xã theo bộ tiêu chí cho một năm")
    p.add_argument("--year", type=int, required=True, metavar="NĂM")
    p.add_argument("--json", action="store_true", help="in báo cáo dạng JSON")
    p.add_argument(
        "--criteria",
        default=None,
        metavar="TÊN",
        help=f"bộ tiêu chí (mặc định: bộ đã chọn trong chương trình, hoặc {DEFAULT_CRITERIA_SET})",
    )
    return parser


def _iso_date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' không phải ngày dạng năm-tháng-ngày (ví dụ 2020-01-05)") from None


def _criteria(store: Store, args: argparse.Namespace) -> CriteriaSet:
    from thidua_desktop.evaluation import criteria

    return criteria.load(args.criteria or criteria.chosen_name(store))


def open_store(args: argparse.Namespace) -> Store:
    from thidua_desktop import paths
    from thidua_desktop.store import Store

    return Store.open(args.db or paths.default_db(), actor=args.officer)


def run_command(args: argparse.Namespace) -> int:
    """Run a headless command; returns the exit code. A refusal is told as it is (exit 1); anything else
    is our bug: logged with its traceback and told with the log's path (exit 3)."""
    from thidua_desktop import care

    log_path = care.setup_logging()
    store = None
    try:
        store = open_store(args)
        return _dispatch(store, args)
    except Refused as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:  # noqa: BLE001 - the one place a command's bug is caught, logged and told
        log_bug(exc, f"command {args.command}")
        print(bug_message(log_path), file=sys.stderr)
        return EXIT_BUG
    finally:
        if store is not None:
            store.close()


def _dispatch(store: Store, args: argparse.Namespace) -> int:
    if args.command in ("excel-template", "import-excel", "export-households"):
        return _excel(store, args)
    if args.command == "import-json":
        from thidua_desktop.register import dataset

        result = dataset.import_file(store, args.file)
        print(result.summary())
        if result.backup:
            print(f"Bản sao lưu trước khi nhập: {result.backup}")
    elif args.command == "export-report":
        from thidua_desktop.documents import annual_report

        _commune_of(store)
        annual_report.write(store, args.year, _criteria(store, args), args.out)
        print(f"Đã ghi báo cáo năm {args.year}: {args.out}")
    elif args.command == "evaluate":
        return _evaluate(store, args)
    elif args.command in ("print-dossier", "print-minutes"):
        return _print(store, args)
    elif args.command == "package":
        return _package(store, args)
    elif args.command == "upper":
        return _upper(store, args)
    elif args.command == "export-json":
        from thidua_desktop.register import dataset

        done = dataset.write_file(store, args.file)
        print(f"Đã xuất {done.villages} thôn, {done.households} hộ ra tệp {args.file}.")
    return EXIT_OK


def _excel(store: Store, args: argparse.Namespace) -> int:
    from thidua_desktop import excel

    if args.command == "excel-template":
        excel.write_template(args.file, store if store.register.commune() else None)
        print(f"Đã ghi mẫu nhập danh sách hộ: {args.file}")
    elif args.command == "import-excel":
        _commune_of(store)
        print(excel.import_file(store, args.file, args.create_villages).summary())
    else:
        count = excel.export_store(store, args.file)
        print(f"Đã xuất {store.register.household_count()} hộ ({count} dòng) ra tệp {args.file}.")
    return EXIT_OK


def _commune_of(store: Store) -> dict:
    commune = store.register.commune()
    if commune is None:
        raise Refused(f"Tệp dữ liệu {store.path} chưa có thông tin xã; hãy thiết lập xã trước.")
    return commune


def _evaluate(store: Store, args: argparse.Namespace) -> int:
    import json

    from thidua_desktop.evaluation import service

    commune = _commune_of(store)
    chosen = _criteria(store, args)
    if args.json:  # the full report: every household with its reasons
        print(json.dumps(service.run(store, args.year, chosen).report, ensure_ascii=False, indent=1))
    else:  # the summary only counts the households
        counted = service.run_counted(store, args.year, chosen)
        names = {v["id"]: v["name"] for v in store.register.villages(include_deleted=True)}
        print(service.summary(counted, names, commune["name"], chosen))
    return EXIT_OK


def _package(store: Store, args: argparse.Namespace) -> int:
    import json

    from thidua_desktop import settings
    from thidua_desktop.exchange import outbox, package
    from thidua_desktop.files import read_input

    if args.action == "setup":
        raw = read_input(args.file, package.MAX_SIGNED_FILE, "tệp thiết lập")
        got = outbox.setup_upper(store, raw, str(args.file), args.replace)
        print(f"Đã thiết lập cấp trên: {got.name} ({outbox.LEVEL_LABELS[got.level]}).")
        print(f"Mã nhận diện của cấp trên (đọc đối chiếu khi gọi điện): {got.fingerprint}")
        print(f"Mã nhận diện của xã (đọc cho cấp trên): {outbox.own_keys(store).fingerprint}")
    elif args.action == "fingerprint":
        print("Mã nhận diện khóa của xã:")
        print(outbox.own_keys(store).fingerprint)
    elif args.action == "export":
        print(outbox.export_package(store, args.out))
    elif args.action == "receipt":
        print(outbox.take_receipt(store, read_input(args.file, package.MAX_SIGNED_FILE, "biên nhận"), str(args.file)))
    elif args.action == "send":
        address = args.address or outbox.address(store)
        if not address:
            raise Refused("Chưa có địa chỉ của cấp trên: dùng --address, hoặc gửi gói bằng USB.")
        said = outbox.deliver_due(store, address)
        print("\n".join(said) or "Không có gói nào cần gửi.")
        return EXIT_OK if all("chưa gửi được" not in s for s in said) else EXIT_REFUSED
    elif args.action == "outbox":
        days, now = settings.RECEIPT_OVERDUE_DAYS.get(store), _dt.datetime.now(_dt.UTC)
        for e in store.outbox.entries():
            told = e.receipt_message or e.last_error
            late = f" (quá {days} ngày chưa có biên nhận)" if e.overdue(days, now) else ""
            label = f"{outbox.STATUS_LABELS[e.status]}{late}" + (f": {told}" if told else "")
            print(f"{e.sequence:>4}  {e.file_name}  {label}")
    elif args.action == "new-key":
        pair = outbox.replace_key(store)
        print("Đã tạo khóa mới; khóa cũ được cất riêng. Gói tiếp theo mang khóa mới và cấp trên sẽ từ chối cho đến")
        print("khi xác nhận lại mã nhận diện mới của xã:")
        print(pair.fingerprint)
    elif args.action == "queries":
        asked = store.queries.find()
        if args.json:
            keys = ("id", "household_id", "year", "text", "status")
            print(json.dumps([{k: q[k] for k in keys} for q in asked], ensure_ascii=False, indent=1))
        else:
            for q in asked:
                about = f"hộ {q['household_id']}" if q["household_id"] else f"năm {q['year']}"
                print(f"{q['id']}  {outbox.QUERY_STATUS_LABELS[q['status']]}  ({about}): {q['text']}")
            if not asked:
                print("Cấp trên chưa có câu hỏi nào.")
    elif args.action == "answer":
        outbox.answer(store, args.query_id, args.text)
        print("Đã ghi câu trả lời; câu trả lời được gửi lên trong gói tiếp theo.")
    return EXIT_OK


def _upper(store: Store, args: argparse.Namespace) -> int:
    import json

    from thidua_desktop.evaluation import criteria
    from thidua_desktop.exchange import upper_level
    from thidua_desktop.files import atomic_write

    if args.action == "init":
        setup = upper_level.init(store, args.name, args.level, args.address)
        atomic_write(args.setup_out, setup)
        print(f"Đã tạo tệp cấp trên {store.path} ({args.name}). Tệp thiết lập cho các xã: {args.setup_out}")
        print(f"Mã nhận diện của cấp trên: {upper_level.fingerprint_of(store)}")
    elif args.action == "setup-file":
        raw = criteria.read_raw(args.criteria_file) if args.criteria_file else None
        if raw is not None:
            criteria.parse(raw, str(args.criteria_file))  # a set the communes could not use is refused here
        atomic_write(args.out, upper_level.setup_document(store, raw))
        print(f"Đã ghi tệp thiết lập: {args.out}")
    elif args.action == "trust":
        print(upper_level.trust(store, args.code, args.fingerprint))
    elif args.action == "import":
        results = upper_level.import_files(store, args.files, args.dry_run, args.receipt_dir)
        for r in results:
            print(r.line())
        taken = sum(r.status in ("accepted", "duplicate", "checked") for r in results)
        print(
            f"{'Chạy thử' if args.dry_run else 'Xong'}: {taken}/{len(results)} gói được nhận"
            + (f"; biên nhận trong {args.receipt_dir}" if args.receipt_dir and not args.dry_run else "")
            + "."
        )
        return EXIT_OK if taken == len(results) else EXIT_REFUSED
    elif args.action == "serve-inbox":
        return _serve(store, args)
    elif args.action == "decide":
        upper_level.decide(
            store,
            args.code,
            args.nomination_id,
            args.status,
            args.number,
            args.date.isoformat() if args.date else None,
            args.comment,
        )
        print("Đã ghi quyết định; xã nhận được trong biên nhận tiếp theo (upper receipt để ghi ngay).")
    elif args.action == "receipt":
        receipt = upper_level.fresh_receipt(store, args.code)
        args.out.mkdir(parents=True, exist_ok=True)
        target = args.out / f"bien-nhan-{args.code}.json"
        atomic_write(target, receipt)
        print(f"Đã ghi biên nhận: {target}")
    elif args.action == "report":
        from thidua_desktop.documents import upper_report

        if args.out.suffix.lower() not in (".xlsx", ".pdf"):
            raise Refused(f"Tệp {args.out}: báo cáo ghi ra Excel (.xlsx) hoặc PDF (.pdf); hãy đặt tên tệp có đuôi đó.")
        upper_report.write(store, args.year, args.out)
        print(f"Đã ghi báo cáo năm {args.year}: {args.out}")
    elif args.action == "checks":
        flags = upper_level.run_checks(store, args.year, criteria.load_chosen(store))
        if args.json:
            print(json.dumps([f.as_json() for f in flags], ensure_ascii=False, indent=1))
        else:
            for f in flags:
                print(f"[{f.commune_code}] {f.message}")
            print(f"Năm {args.year}: {len(flags)} cảnh báo.")
    elif args.action == "query":
        query_id = upper_level.ask(store, args.code, args.household, args.text, args.year)
        print(f"Đã ghi câu hỏi {query_id}; xã nhận được trong biên nhận tiếp theo (upper receipt để ghi ngay).")
    elif args.action == "return":
        query_id = upper_level.return_year(store, args.code, args.year, args.text)
        print(f"Đã trả lại năm {args.year} của xã {args.code} ({query_id}); xã nhận được trong biên nhận tiếp theo.")
    elif args.action == "approve":
        upper_level.approve(store, args.code, args.year)
        print(f"Đã duyệt năm {args.year} của xã {args.code}.")
    elif args.action == "queries":
        asked = store.queries.find()
        if args.json:
            keys = ("id", "commune_code", "household_id", "year", "text", "status", "answer")
            print(json.dumps([{k: q[k] for k in keys} for q in asked], ensure_ascii=False, indent=1))
        else:
            for q in asked:
                answer = f" Trả lời: {q['answer']}" if q["answer"] else ""
                print(f"{q['id']}  xã {q['commune_code']}  {q['status']}: {q['text']}{answer}")
    elif args.action == "close-query":
        upper_level.close_query(store, args.query_id)
        print("Đã đóng câu hỏi.")
    return EXIT_OK


def _serve(store: Store, args: argparse.Namespace) -> int:
    from thidua_desktop.exchange import inbox, upper_level

    upper_level.upper_only(store)
    box = inbox.Inbox(store.path, store.actor)
    server = inbox.make_server(box, args.host, args.port)
    print(
        f"Hộp thư đến đang nhận gói tại http://{args.host}:{server.server_address[1]}/goi "
        f"(gói lưu trong {box.folder}). Nhấn Ctrl+C để dừng.",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Đã dừng hộp thư đến.")
    finally:
        server.server_close()
    return EXIT_OK


def _print(store: Store, args: argparse.Namespace) -> int:
    from thidua_desktop.documents import (
        dossier,  # reportlab loads only to print: every other command, and the window, start faster
    )

    if args.command == "print-dossier":
        options = dossier.PaperOptions(
            args.number, args.date or _dt.date.today(), args.signer, args.to, args.decision_number, args.deputy or None
        )
        for warning in dossier.warnings(store, args.year, _criteria(store, args), options):
            print(f"Lưu ý: {warning}", file=sys.stderr)
        for path in dossier.write_dossier(store, args.year, args.out, _criteria(store, args), options):
            print(f"Đã in: {path}")
    else:
        for warning in dossier.minutes_warnings(store, args.meeting_id, args.blank):
            print(f"Lưu ý: {warning}", file=sys.stderr)
        dossier.write_minutes(store, args.meeting_id, args.out, _criteria(store, args), args.blank, args.copies)
        print(f"Đã in {'biên bản trống' if args.blank else 'biên bản'}: {args.out}")
    return EXIT_OK


def console_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the installed 'thidua' script: headless commands only."""
    args = parse_args(argv)
    if not args.command:
        build_parser().print_help()
        return EXIT_USAGE
    return run_command(args)
