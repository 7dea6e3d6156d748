"""Every `menpai … --help` reads Chinese first, then English: each command, each option, each
heading argparse writes itself."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from shared.cli.main import build_parser, main

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
SEPARATOR = re.compile(r" ?/ ")


def walk(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """(command words, parser) for `menpai` and every sub-command under it."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from walk(child, (*path, name))


def texts_of(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str | None]]:
    """(what, text) for every text the parser's help shows: its description, its group titles,
    and the help of each argument and each listed sub-command."""
    yield "description", parser.description
    for group in parser._action_groups:
        if group._group_actions:
            yield f"group {group.title}", group.title
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield f"command {choice.dest}", choice.help
        else:
            yield f"option {'/'.join(action.option_strings) or action.dest}", action.help


def is_chinese_then_english(text: str | None) -> bool:
    """Chinese, then `/ `, then English: the form of every bilingual line in the project."""
    parts = SEPARATOR.split(text or "", maxsplit=1)
    if len(parts) != 2:
        return False
    chinese, english = parts
    return bool(CHINESE.search(chinese)) and bool(ENGLISH_WORD.search(english))


PARSERS = list(walk(build_parser()))


def test_the_walk_finds_every_command() -> None:
    found = {" ".join(path) for path, _ in PARSERS}
    assert {"", "user add", "grids", "export", "plates print", "import housing", "match addresses"} <= found
    assert {"backup", "restore", "rotate-key", "purge", "recheck", "demo", "init"} <= found


@pytest.mark.parametrize(("path", "parser"), PARSERS, ids=[" ".join(p) or "menpai" for p, _ in PARSERS])
def test_every_help_text_is_chinese_then_english(
    path: tuple[str, ...], parser: argparse.ArgumentParser
) -> None:
    wrong = {what: text for what, text in texts_of(parser) if not is_chinese_then_english(text)}
    assert wrong == {}


@pytest.mark.parametrize("path", [p for p, _ in PARSERS], ids=[" ".join(p) or "menpai" for p, _ in PARSERS])
def test_help_output_has_no_english_only_heading(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*path, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法 / usage: menpai")
    for english_only in ("\noptions:", "\npositional arguments:", "show this help message"):
        assert english_only not in out
    assert "显示本帮助并退出 / show this help and exit" in out


def test_a_wrong_command_line_is_refused_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["user", "add"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "menpai user add: 命令行有误 / error: the following arguments are required" in err
    assert "加 --help 查看用法 / add --help for usage" in err
