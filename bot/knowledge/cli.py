"""Staff commands: `python -m bot faq import|export|list|show|edit|history|restore|...`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
from sqlalchemy.orm import sessionmaker

from bot.db.engine import make_engine, make_session_factory, upgrade_database
from bot.knowledge import store
from bot.knowledge.check import check_entries
from bot.knowledge.entries import DELIVERIES
from bot.knowledge.importer import export_faq_file, import_faq_file
from bot.knowledge.models import STATUSES
from bot.knowledge.run_together import run_together_warning
from bot.knowledge.sheets import UnreadableFileError
from bot.knowledge.training import retrain
from bot.logging_setup import mask_personal_data
from bot.settings import Settings

OFFICE_ZONE = ZoneInfo("Asia/Jakarta")  # entries are valid by the office's calendar day


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `faq ...` to the `python -m bot` command."""
    faq = subparsers.add_parser("faq", help="manage the FAQ knowledge base")
    commands = faq.add_subparsers(dest="faq_command", required=True)
    importer = commands.add_parser("import", help="import FAQ entries from CSV or .xlsx")
    importer.add_argument("file", type=Path)
    importer.add_argument("--author", default=None, help="name recorded in the history")
    importer.set_defaults(handler=import_command)
    exporter = commands.add_parser("export", help="export every entry to CSV or .xlsx")
    exporter.add_argument("file", type=Path)
    exporter.set_defaults(handler=export_command)
    listing = commands.add_parser("list", help="list the entries")
    listing.add_argument("--status", choices=STATUSES)
    listing.set_defaults(handler=list_command)
    show = commands.add_parser("show", help="print one entry")
    show.add_argument("key")
    show.set_defaults(handler=show_command)
    edit = commands.add_parser("edit", help="change an entry (records a revision)")
    edit.add_argument("key")
    edit.add_argument("--answer")
    edit.add_argument("--question")
    edit.add_argument("--category")
    edit.add_argument("--status", choices=STATUSES)
    edit.add_argument("--valid-from", type=date.fromisoformat)
    edit.add_argument("--valid-until", type=date.fromisoformat)
    edit.add_argument("--source")
    edit.add_argument(
        "--delivery",
        choices=DELIVERIES,
        help="parts: the whole answer, in several messages when long; "
        "summary: the --summary text, then the source link",
    )
    edit.add_argument("--summary", help='a short summary for --delivery summary ("" removes it)')
    edit.add_argument("--note", help="why the change was made")
    edit.add_argument("--author", default=None)
    edit.set_defaults(handler=edit_command)
    hist = commands.add_parser("history", help="list an entry's revisions")
    hist.add_argument("key")
    hist.set_defaults(handler=history_command)
    restore = commands.add_parser("restore", help="restore an old revision (as a new one)")
    restore.add_argument("key")
    restore.add_argument("revision", type=int)
    restore.add_argument("--author", default=None)
    restore.set_defaults(handler=restore_command)
    check = commands.add_parser(
        "check", help="which answer each published entry's questions get (needs Rasa running)"
    )
    check.add_argument("key", nargs="?", help="one entry (default: every published entry)")
    check.set_defaults(handler=check_command)
    unanswered = commands.add_parser("unanswered", help="questions that got no good answer")
    unanswered.add_argument("--limit", type=int, default=30)
    unanswered.set_defaults(handler=unanswered_command)
    train = commands.add_parser(
        "retrain", help="fold published example questions into the NLU data and evaluate"
    )
    train.add_argument(
        "--skip-training", action="store_true", help="only write data/nlu/faq_generated.yml"
    )
    train.set_defaults(handler=retrain_command)


def factory_for(settings: Settings) -> sessionmaker:
    upgrade_database(settings.database_url)
    return make_session_factory(make_engine(settings.database_url))


def author_name(args: argparse.Namespace) -> str:
    if args.author:
        return str(args.author)
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "staff"


def import_command(args: argparse.Namespace, settings: Settings) -> int:
    """Import a FAQ file; print every bad line and import nothing when one is bad."""
    if not args.file.is_file():
        print(f"{args.file}: no such file")
        return 1
    with factory_for(settings).begin() as session:
        report = import_faq_file(args.file, session=session, author=author_name(args))
    return report.print_summary()


def export_command(args: argparse.Namespace, settings: Settings) -> int:
    """Write every entry to a CSV or .xlsx file in the import format."""
    with factory_for(settings).begin() as session:
        try:
            count = export_faq_file(args.file, session=session)
        except UnreadableFileError as exc:
            print(exc)
            return 1
    print(f"Exported {count} entr{'y' if count == 1 else 'ies'} to {args.file}.")
    return 0


def list_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print one line per entry."""
    with factory_for(settings).begin() as session:
        entries = store.list_entries(session=session, status=args.status)
    if not entries:
        print("No FAQ entries.")
    for entry in entries:
        print(
            f"{entry.key:32} {entry.status:9} {entry.language:2} {entry.category:16} "
            f"{entry.question}"
        )
    return 0


def show_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print one entry in full."""
    with factory_for(settings).begin() as session:
        entry = store.get_entry(session=session, key=args.key)
    if entry is None:
        print(f"No FAQ entry {args.key!r}.")
        return 1
    print(f"key:       {entry.key}  (revision {entry.version}, {entry.updated_by})")
    print(f"status:    {entry.status}  language: {entry.language}  category: {entry.category}")
    print(f"valid:     {entry.valid_from or '-'} .. {entry.valid_until or '-'}")
    print(f"source:    {entry.source_url or '-'}")
    print(f"delivery:  {entry.delivery}")
    print(f"question:  {entry.question}")
    for example in entry.examples:
        print(f"example:   {example}")
    if entry.summary:
        print(f"summary:   {entry.summary}")
    print(f"answer:\n{entry.answer}")
    return 0


def edit_command(args: argparse.Namespace, settings: Settings) -> int:
    """Change an entry's fields and record who did it."""
    with factory_for(settings).begin() as session:
        try:
            entry = store.edit_entry(
                session=session,
                key=args.key,
                author=author_name(args),
                note=args.note,
                answer=args.answer,
                question=args.question,
                category=args.category,
                status=args.status,
                valid_from=args.valid_from,
                valid_until=args.valid_until,
                source_url=args.source,
                delivery=args.delivery,
                summary=args.summary,
            )
        except store.UnknownEntryError:
            print(f"No FAQ entry {args.key!r}.")
            return 1
        except ValueError as exc:
            print(f"Not saved: {exc}")
            return 1
    for name, text in (("answer", args.answer), ("summary", args.summary)):
        warning = run_together_warning(name, text or "")
        if warning:
            print(f"warning: {warning}")
    print(f"{entry.key} is at revision {entry.version} ({entry.status}, {entry.delivery}).")
    return 0


def history_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print an entry's revisions, oldest first."""
    with factory_for(settings).begin() as session:
        try:
            revisions = store.history(session=session, key=args.key)
        except store.UnknownEntryError:
            print(f"No FAQ entry {args.key!r}.")
            return 1
    for revision in revisions:
        changed = ", ".join(revision.changed_fields)
        note = f" — {revision.note}" if revision.note else ""
        print(
            f"{revision.number:3}  {revision.created_at:%Y-%m-%d %H:%M} UTC  "
            f"{revision.author:16} {changed}{note}"
        )
    return 0


def restore_command(args: argparse.Namespace, settings: Settings) -> int:
    """Make an old revision current again."""
    with factory_for(settings).begin() as session:
        try:
            entry = store.restore_revision(
                session=session, key=args.key, number=args.revision, author=author_name(args)
            )
        except (store.UnknownEntryError, store.UnknownRevisionError) as exc:
            print(f"Not restored: {exc}")
            return 1
    print(f"{entry.key}: revision {args.revision} restored as revision {entry.version}.")
    return 0


def check_command(args: argparse.Namespace, settings: Settings) -> int:
    """Ask the running Rasa server how each question of each published entry is answered."""
    today = datetime.now(OFFICE_ZONE).date()
    with factory_for(settings).begin() as session:
        entries = store.published_entries(session=session, today=today)
    if args.key:
        entries = [entry for entry in entries if entry.key == args.key]
        if not entries:
            print(f"No published FAQ entry {args.key!r}.")
            return 1
    try:
        checks = asyncio.run(
            check_entries(entries, rasa_url=settings.rasa_url, token=settings.rasa_token)
        )
    except aiohttp.ClientResponseError as exc:
        if exc.status == 401:
            print("Rasa refused the token: set RASA_TOKEN (e.g. in .env) to the running one's.")
        else:
            print(f"Rasa at {settings.rasa_url} answered {exc.status} {exc.message}; try again.")
        return 1
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        print(f"Rasa at {settings.rasa_url} did not answer ({exc}); is the assistant running?")
        return 1
    for item in checks:
        print(f"{item.entry:32} {item.answered_by:28} {item.question}")
    own = sum(item.answers_itself for item in checks)
    print(f"{own} of {len(checks)} question(s) get their own entry's answer.")
    return 0


def unanswered_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print unanswered questions grouped by similarity, most recently asked first."""
    with factory_for(settings).begin() as session:
        groups = store.unanswered_groups(session=session, limit=args.limit)
    if not groups:
        print("No unanswered questions.")
    for group in groups:
        nearest = f"  (nearest: {group.best_key})" if group.best_key else ""
        print(
            f"{group.count:4}x  last {group.last_asked:%Y-%m-%d %H:%M} UTC  "
            f"{mask_personal_data(group.example)}{nearest}"
        )
    return 0


def retrain_command(args: argparse.Namespace, settings: Settings) -> int:
    """Write the generated NLU file and, unless skipped, retrain and compare the evaluation."""
    with factory_for(settings).begin() as session:
        entries = store.published_entries(session=session, today=date.today())
    return retrain(entries, train=not args.skip_training)
