"""Staff commands: `python -m bot vocab list|add|remove|import|export`."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from bot.knowledge import vocabulary_store
from bot.knowledge.cli import author_name, factory_for
from bot.knowledge.sheets import UnreadableFileError
from bot.knowledge.vocabulary import TermView, VocabularyError
from bot.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `vocab ...` to the `python -m bot` command."""
    vocab = subparsers.add_parser(
        "vocab", help="words citizens use and the standard word each one means"
    )
    commands = vocab.add_subparsers(dest="vocab_command", required=True)
    listing = commands.add_parser("list", help="list the built-in and the staff terms")
    listing.add_argument("--staff", action="store_true", help="only the terms staff added")
    listing.set_defaults(handler=list_command)
    add = commands.add_parser("add", help="add a term: TERM means STANDARD")
    add.add_argument("term", help='one word or a short phrase, e.g. "bule" or "masuk akun"')
    add.add_argument("standard", help='the standard word it means, e.g. "asing" or "login"')
    add.add_argument(
        "--related",
        action="store_true",
        help="near but not the same: questions also look for the other word, at a lower weight",
    )
    add.add_argument("--author", default=None, help="name recorded with the term")
    add.set_defaults(handler=add_command)
    remove = commands.add_parser("remove", help="remove a staff term")
    remove.add_argument("term")
    remove.add_argument("--author", default=None)
    remove.set_defaults(handler=remove_command)
    importer = commands.add_parser("import", help="add or change terms from CSV or .xlsx")
    importer.add_argument("file", type=Path)
    importer.add_argument("--author", default=None)
    importer.set_defaults(handler=import_command)
    exporter = commands.add_parser("export", help="write the staff terms as CSV (or .xlsx)")
    exporter.add_argument("file", type=Path, nargs="?", help="default: print the CSV")
    exporter.set_defaults(handler=export_command)


def _line(term: TermView) -> str:
    source = "built-in"
    if not term.builtin:
        source = f"{term.added_by} {term.added_at:%Y-%m-%d}" if term.added_at else "staff"
    return f"{term.term:32} {term.standard:20} {term.kind:8} {source}"


def list_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print one line per term: term, standard word, kind, built-in or who added it when."""
    with factory_for(settings).begin() as session:
        if args.staff:
            terms = vocabulary_store.staff_terms(session=session)
        else:
            terms = vocabulary_store.all_terms(session=session)
    if not terms:
        print("No staff terms.")
    for term in terms:
        print(_line(term))
    return 0


def add_command(args: argparse.Namespace, settings: Settings) -> int:
    """Add one term; citizens' questions use it within seconds."""
    kind = "related" if args.related else "same"
    with factory_for(settings).begin() as session:
        try:
            term = vocabulary_store.add_term(
                session=session,
                term=args.term,
                standard=args.standard,
                kind=kind,
                author=author_name(args),
            )
        except VocabularyError as exc:
            print(f"Not added: {exc}")
            return 1
    joined = "is related to" if term.kind == "related" else "means"
    print(f"Added: {term.term!r} {joined} {term.standard!r}.")
    return 0


def remove_command(args: argparse.Namespace, settings: Settings) -> int:
    """Remove one staff term."""
    with factory_for(settings).begin() as session:
        try:
            term = vocabulary_store.remove_term(
                session=session, term=args.term, author=author_name(args)
            )
        except VocabularyError as exc:
            print(f"Not removed: {exc}")
            return 1
    print(f"Removed: {term.term!r} (was {term.standard!r}).")
    return 0


def import_command(args: argparse.Namespace, settings: Settings) -> int:
    """Import terms; print every bad line and import nothing when one is bad."""
    if not args.file.is_file():
        print(f"{args.file}: no such file")
        return 1
    with factory_for(settings).begin() as session:
        try:
            report = vocabulary_store.import_terms(
                args.file, session=session, author=author_name(args)
            )
        except UnreadableFileError as exc:
            print(exc)
            return 1
    return report.print_summary()


def export_command(args: argparse.Namespace, settings: Settings) -> int:
    """Write the staff terms in the import format, to a file or as CSV to the terminal."""
    with factory_for(settings).begin() as session:
        if args.file is None:
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(["term", "standard", "kind"])
            for term in vocabulary_store.staff_terms(session=session):
                writer.writerow([term.term, term.standard, term.kind])
            return 0
        try:
            count = vocabulary_store.export_terms(args.file, session=session)
        except UnreadableFileError as exc:
            print(exc)
            return 1
    print(f"Exported {count} term{'' if count == 1 else 's'} to {args.file}.")
    return 0
