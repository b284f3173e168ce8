"""The launcher's commands are what Rasa's own command line accepts, and carry no secrets."""

from bot.launcher import Stack
from bot.settings import Settings


def test_rasa_runs_without_its_rest_api_and_no_token_on_the_command_line():
    from rasa.__main__ import create_argument_parser

    settings = Settings(env="test", database_url="sqlite://", rasa_token="-secret-token")
    command = Stack(settings=settings).commands()["rasa"]

    assert command[1:3] == ["-m", "bot.rasa_server"]
    args = create_argument_parser().parse_args(command[3:])
    assert args.enable_api is False  # its token would travel in query strings
    assert args.auth_token is None
    assert all(settings.rasa_token not in part for part in command)  # visible in `ps`


def test_each_process_gets_the_shared_secrets_in_its_environment():
    settings = Settings(
        env="test", database_url="sqlite://", rasa_token="r" * 24, action_server_token="a" * 24
    )
    env = Stack(settings=settings)._env()
    assert env["RASA_TOKEN"] == "r" * 24 and env["ACTION_SERVER_TOKEN"] == "a" * 24
    assert float(env["INBOX_LEASE_SECONDS"]) > float(env["RASA_TIMEOUT_SECONDS"])
