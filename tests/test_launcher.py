"""The launcher's commands are what Rasa's own command line accepts."""

import pytest

from bot.launcher import Stack
from bot.settings import Settings


@pytest.mark.parametrize("token", ["-starts-with-a-dash", "--double", "plain_Token-123"])
def test_rasa_reads_the_auth_token_whatever_its_first_character(token):
    # secrets.token_urlsafe() starts with "-" one time in 64; argparse would read it as an option.
    from rasa.__main__ import create_argument_parser

    stack = Stack(settings=Settings(env="test", database_url="sqlite://", rasa_token=token))
    command = stack.commands()["rasa"]

    assert command[1:3] == ["-m", "bot.rasa_server"]
    args = create_argument_parser().parse_args(command[3:])

    assert args.auth_token == token
    assert args.enable_api is True
