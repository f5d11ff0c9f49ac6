"""Helpers shared by command modules."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..services import catalogues
from ..storage.database import Database, open_database


@contextmanager
def opened(args: argparse.Namespace) -> Iterator[Database]:
    """Open (creating and migrating) the database named by ``--db`` / ``DVK_DB`` / the default."""
    database = open_database(Path(args.db) if args.db else None)
    try:
        catalogues.ensure_defaults()
        yield database
    finally:
        database.close()


def print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")
