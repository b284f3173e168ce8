"""Command-line tools for staff: seed the demo data, import a schedule CSV, list releases."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from bot.db.base import utcnow
from bot.db.engine import make_engine, make_session_factory, upgrade_database
from bot.schedule.dates import format_datetime_id
from bot.schedule.demo import database_is_empty, seed_demo
from bot.schedule.importer import import_schedule_file
from bot.schedule.queries import upcoming_releases
from bot.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `seed-demo` and `schedule import|list` to the `python -m bot` command."""
    seed = subparsers.add_parser("seed-demo", help="load the demo offices, services and schedule")
    seed.add_argument(
        "--if-empty", action="store_true", help="do nothing when the database has offices"
    )
    seed.set_defaults(handler=seed_demo_command)

    schedule = subparsers.add_parser("schedule", help="manage quota releases and closures")
    commands = schedule.add_subparsers(dest="schedule_command", required=True)
    importer = commands.add_parser("import", help="import quota releases and closures from CSV")
    importer.add_argument("file", type=Path, help="CSV file (comma or semicolon, UTF-8)")
    importer.set_defaults(handler=import_command)
    listing = commands.add_parser("list", help="print the upcoming quota releases")
    listing.add_argument("--office", help="office key, e.g. pontianak")
    listing.add_argument("--limit", type=int, default=20)
    listing.set_defaults(handler=list_command)


def _factory(settings: Settings) -> sessionmaker:
    upgrade_database(settings.database_url)
    return make_session_factory(make_engine(settings.database_url))


def seed_demo_command(args: argparse.Namespace, settings: Settings) -> int:
    """Seed the demo data; with --if-empty only into an empty database."""
    factory = _factory(settings)
    with factory.begin() as session:
        if args.if_empty and not database_is_empty(session=session):
            print("The database already has offices; demo data not loaded.")
            return 0
        added = seed_demo(session=session, now=utcnow())
    print(f"Demo data loaded: {added} new row(s).")
    return 0


def import_command(args: argparse.Namespace, settings: Settings) -> int:
    """Import a schedule CSV; print every bad line and import nothing when one is bad."""
    if not args.file.is_file():
        print(f"{args.file}: no such file")
        return 1
    factory = _factory(settings)
    with factory.begin() as session:
        report = import_schedule_file(args.file, session=session)
    return report.print_summary()


def list_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print the upcoming quota releases."""
    factory = _factory(settings)
    with factory.begin() as session:
        releases = upcoming_releases(session=session, office_key=args.office, limit=args.limit)
    if not releases:
        print("No upcoming quota releases.")
    for release in releases:
        slots = f"{release.slots} slots" if release.slots else "slots not announced"
        service = f" ({release.service_name})" if release.service_name else ""
        when = format_datetime_id(release.opens_at)
        print(f"{when}  {release.office_key}{service}  {slots}  {release.booking_channel}")
    return 0
