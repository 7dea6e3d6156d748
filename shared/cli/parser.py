"""An argparse parser whose own words are bilingual, Chinese first, like every help text we give it.

argparse writes "usage:", "options", "show this help message and exit" and its errors in English;
our officers read Chinese first. Sub-commands inherit the class (argparse builds them with the
parent's class), so every `menpai … --help` reads the same way.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

HELP = "显示本帮助并退出 / show this help and exit"


class BilingualFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix="用法 / usage: " if prefix is None else prefix)


class BilingualParser(argparse.ArgumentParser):
    """ArgumentParser with Chinese-first titles, -h text and error lines."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", BilingualFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数 / arguments"
        self._optionals.title = "选项 / options"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=HELP)

    def error(self, message: str) -> NoReturn:
        """argparse's own message stays English (it has no Chinese); the frame around it is ours."""
        self.print_usage(sys.stderr)
        self.exit(
            2, f"{self.prog}: 命令行有误 / error: {message}\n（加 --help 查看用法 / add --help for usage）\n"
        )
