"""Run rasa-sdk's action server, answering only Rasa: `python -m bot.action_server --port N`.

rasa-sdk's own server runs any POST /webhook from anyone who can reach it. This one is the same
server (same action loading, same /webhook) with one addition: every request except GET /health
must carry `Authorization: Bearer <ACTION_SERVER_TOKEN>`, which Rasa sends from endpoints.yml.
Logs and output are masked (bot.logging_setup.install_process_masking).
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys

from dotenv import load_dotenv
from rasa_sdk import utils
from rasa_sdk.cli.arguments import action_arg
from rasa_sdk.constants import DEFAULT_SERVER_PORT
from rasa_sdk.endpoint import create_app as create_sdk_app
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import PROJECT_ROOT
from bot.logging_setup import install_process_masking

logger = logging.getLogger(__name__)

TOKEN_VARIABLE = "ACTION_SERVER_TOKEN"  # noqa: S105 - the name, not the value
OPEN_PATHS = frozenset({"/health"})  # liveness checks; reveals nothing
EXIT_NO_TOKEN = 2


def require_token(app: Sanic, token: str) -> None:
    """Answer 401 to every request but /health without `Authorization: Bearer <token>`."""
    expected = f"Bearer {token}".encode()

    async def refuse_without_token(request: Request) -> HTTPResponse | None:
        if (request.path.rstrip("/") or "/") in OPEN_PATHS:
            return None
        given = request.headers.get("Authorization", "").strip().encode("utf-8", "surrogateescape")
        if hmac.compare_digest(given, expected):
            return None
        logger.warning(
            "refused %s %s without the action server token", request.method, request.path
        )
        return response.json(
            {"error": "unauthorised"}, status=401, headers={"WWW-Authenticate": "Bearer"}
        )

    app.register_middleware(refuse_without_token, "request")


def create_app(token: str, actions: str = "actions") -> Sanic:
    """Build rasa-sdk's app for the action package, closed to callers without the token."""
    if not token:
        raise ValueError(f"{TOKEN_VARIABLE} is empty")
    app = create_sdk_app(actions, cors_origins=None)  # never called from a browser
    require_token(app, token)
    return app


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot.action_server",
        description=f"rasa-sdk's action server; every call but /health needs {TOKEN_VARIABLE}",
    )
    parser.add_argument("-p", "--port", type=int, default=DEFAULT_SERVER_PORT)
    parser.add_argument("--actions", type=action_arg, default="actions")
    utils.add_logging_level_option_arguments(parser)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Start the action server; exit code 2 when ACTION_SERVER_TOKEN is not set."""
    install_process_masking()
    args = parse_args(argv)
    load_dotenv(PROJECT_ROOT / ".env", override=False)  # like bot.settings.load_settings
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        print(
            f"{TOKEN_VARIABLE} must be set: it is the secret Rasa sends to the action server "
            "(endpoints.yml), and without it anyone could run actions.",
            file=sys.stderr,
        )
        return EXIT_NO_TOKEN
    # What rasa_sdk.__main__ and rasa_sdk.endpoint.run do, minus CORS, SSL and auto-reload.
    utils.configure_colored_logging(args.loglevel)
    utils.update_sanic_log_level()
    app = create_app(token, args.actions)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    host = os.environ.get("SANIC_HOST", "0.0.0.0")
    logger.info("Action endpoint is up and running on http://%s:%s", host, args.port)
    app.run(host, args.port, workers=utils.number_of_sanic_workers())
    return 0


if __name__ == "__main__":
    sys.exit(main())
