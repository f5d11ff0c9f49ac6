"""Helpers shared by command modules."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..fileio import sweep_leftovers
from ..services import catalogues
from ..storage import lock
from ..storage.database import Database, default_db_path, open_database


def db_path(args: argparse.Namespace) -> Path:
    """The database named by ``--db`` / ``DVK_DB`` / the default."""
    return Path(args.db) if args.db else default_db_path()


@contextmanager
def writing(path: Path, command: str) -> Iterator[lock.WriterLock]:
    """The single-writer lock on ``path`` for the command ``command``: refused while a window or
    another writing command has the file, released when the command ends."""
    with lock.held(path, lock.cli_program(command)) as held:
        yield held


@contextmanager
def opened(args: argparse.Namespace, *, writes: str | None = None) -> Iterator[Database]:
    """Open (creating and migrating) the database named by ``--db`` / ``DVK_DB`` / the default.

    ``writes``: the command's name when it writes, so it holds the writer lock from before opening
    (a migration writes too) until the file is closed.  Reading commands take no lock: they change
    nothing a window would lose.
    """
    path = db_path(args)
    held = lock.acquire(path, lock.cli_program(writes)) if writes else None
    try:
        database = open_database(path)
        if held is not None:
            # Only a writer sweeps: holding the lock, no other program is writing a partial file there now.
            sweep_leftovers(database.path.parent)
        try:
            catalogues.ensure_defaults()
            yield database
        finally:
            database.close()
    finally:
        if held is not None:
            held.release()


def print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")
