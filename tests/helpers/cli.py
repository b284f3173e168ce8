"""Run the staff commands in-process, as `python -m bot ...` would, for the CLI tests."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from bot.settings import Settings


def command_runner(register: Callable[[Any], None], settings: Settings) -> Callable[..., int]:
    """Return run(*argv) -> exit code for the commands `register` adds to the parser."""
    parser = argparse.ArgumentParser(prog="bot")
    register(parser.add_subparsers(dest="command", required=True))

    def run(*argv: str) -> int:
        args = parser.parse_args(argv)
        return int(args.handler(args, settings))

    return run
