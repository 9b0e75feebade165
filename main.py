"""ThiDua Desktop: composition root. Parse arguments, then run a headless command or the window."""

from __future__ import annotations

import sys

from thidua_desktop import cli


def main(argv: list[str] | None = None) -> int:
    args = cli.parse_args(argv)
    if args.smoke_test:
        from ui.app import run_smoke_test

        return run_smoke_test()
    if args.command:
        return cli.run_command(args)
    # The core the window opens with, before Qt: once Qt is loaded, PySide6 reads the source of every
    # module imported after it (looking for its `from __feature__ import ...` switches), ~10 ms of a start
    # from source. (The built program has Qt loaded by PyInstaller before this runs, and no sources to read.)
    from thidua_desktop import care, settings, store  # noqa: F401
    from ui.app import run_gui  # Qt is loaded only when a window is wanted

    return run_gui(args)


if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()  # the built program starts the upper level's import workers
    sys.exit(main())
