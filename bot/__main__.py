"""Command line: `python -m bot serve | run | db upgrade | seed-demo | schedule | faq | vocab …`.

The services (`serve`, `run`) log at LOG_LEVEL. Every other command is a staff tool that prints
its result and its errors only: it logs warnings and errors, not the INFO lines of the libraries
it uses (Alembic announces each migration it checks); `--verbose` shows those too.
"""

from __future__ import annotations

import argparse
import sys

from bot.logging_setup import configure_logging
from bot.settings import Settings, SettingsError, load_settings


def _serve(_args: argparse.Namespace, settings: Settings) -> int:
    from aiohttp import web

    from bot.channels.registry import channels_from_env
    from bot.gateway.app import create_app

    try:
        channels = channels_from_env()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    web.run_app(
        create_app(settings, channels),
        host=settings.gateway_host,
        port=settings.gateway_port,
        print=None,
        access_log=None,
        shutdown_timeout=3.0,  # the runtime stops itself first (bot/gateway/app.py)
    )
    return 0


def _db_upgrade(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.db.engine import upgrade_database

    upgrade_database(settings.database_url)
    print("Database is at the newest revision.")
    return 0


def _prepare_database(settings: Settings) -> None:
    """Migrate the database and load the demo data into an empty one."""
    from datetime import datetime, timezone

    from bot.db.engine import make_engine, make_session_factory, upgrade_database
    from bot.knowledge.demo import seed_faq_if_empty
    from bot.schedule.demo import database_is_empty, seed_demo

    upgrade_database(settings.database_url)
    engine = make_engine(settings.database_url)
    with make_session_factory(engine).begin() as session:
        if database_is_empty(session=session):
            seed_demo(session=session, now=datetime.now(timezone.utc))
            print("Loaded the demo offices, services and quota schedule (empty database).")
        seed_faq_if_empty(session=session)
    engine.dispose()


def _run(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.launcher import run_stack

    _prepare_database(settings)
    return run_stack(settings)


def build_parser() -> argparse.ArgumentParser:
    from bot.channels.telegram.cli import register as register_telegram
    from bot.knowledge.cli import register as register_knowledge
    from bot.knowledge.vocabulary_cli import register as register_vocabulary
    from bot.schedule.cli import register as register_schedule

    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "--verbose", action="store_true", help="staff commands: also log what the libraries do"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the gateway (web chat, API, channels)").set_defaults(
        handler=_serve
    )
    commands.add_parser(
        "run", help="run Rasa, the action server and the gateway together"
    ).set_defaults(handler=_run)
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply the migrations").set_defaults(handler=_db_upgrade)
    register_schedule(commands)
    register_telegram(commands)
    register_knowledge(commands)
    register_vocabulary(commands)
    return parser


SERVICES = frozenset({"serve", "run"})


def log_level(args: argparse.Namespace, settings: Settings) -> str:
    """Return the level to log at: LOG_LEVEL for services, WARNING for quiet staff commands."""
    if args.verbose:
        return "DEBUG" if settings.log_level == "DEBUG" else "INFO"
    return settings.log_level if args.command in SERVICES else "WARNING"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(log_level(args, settings))
    return int(args.handler(args, settings))


if __name__ == "__main__":
    sys.exit(main())
