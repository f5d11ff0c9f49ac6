"""Every schema version, in order: step N brings a database from version N-1 to N.

The version of a file is ``PRAGMA user_version``; ``latest_version()`` is the length of
:data:`MIGRATIONS`.  A new version is a new function appended at the end of the list, never
an edit of an old one (old files were migrated by the old text) and never a registration
made as a side effect of importing some other module: what a database becomes when it is
opened must not depend on which modules happened to be imported first.

A step that adds a column declares the column itself rather than taking it from today's
table class, so that the step stays what it was when it was written.
"""

from __future__ import annotations

from collections.abc import Callable

import peewee as pw
from playhouse.migrate import SqliteMigrator, migrate

from ..appraisal.tables import APPRAISAL_TABLES
from ..exchange.tables import EXCHANGE_TABLES
from ..history.tables import HISTORY_TABLES
from .models import CORE_TABLES, MoHinh

Migration = Callable[[pw.SqliteDatabase], None]


def v1_core(db: pw.SqliteDatabase) -> None:
    """Catalogues, units, models, indicators, history, attachments, settings, audit log."""
    db.create_tables(CORE_TABLES)


def v2_appraisal(db: pw.SqliteDatabase) -> None:
    """Criteria sets, council, conflicts, scores, overrides, decisions."""
    db.create_tables(APPRAISAL_TABLES)


def v3_person_honorific(db: pw.SqliteDatabase) -> None:
    """Add ``mo_hinh.person_honorific`` ("Ông" / "Bà").

    Step 1 creates tables from today's declarations, so a fresh database already has the
    column; only a file created before this version lacks it.  ``allow_not_null`` with the
    column's SQL default adds it in place: the migrator's other path rebuilds the table, and
    dropping the old table would cascade-delete indicators and history.
    """
    table = MoHinh._meta.table_name
    if any(column.name == "person_honorific" for column in db.get_columns(table)):
        return
    field = pw.CharField(default="", constraints=[pw.SQL("DEFAULT ''")])
    migrate(SqliteMigrator(db).add_column(table, "person_honorific", field, allow_not_null=True))


def v4_indicator_categories_and_event_dates(db: pw.SqliteDatabase) -> None:
    """Add the indicator category catalogue, ``indicator.category_id`` and ``status_change.event_date``.

    Columns are added in place (nullable), never by rebuilding a table: see step 3.
    """
    db.execute_sql(
        'CREATE TABLE IF NOT EXISTS "indicator_category" ("id" INTEGER NOT NULL PRIMARY KEY, '
        '"uuid" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL, "name_fold" VARCHAR(255) NOT NULL, '
        '"sort_order" INTEGER NOT NULL, "active" INTEGER NOT NULL, '
        "\"unit_of_measure\" VARCHAR(255) NOT NULL DEFAULT '')"
    )
    db.execute_sql('CREATE UNIQUE INDEX IF NOT EXISTS "indicator_category_uuid" ON "indicator_category" ("uuid")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "indicator_category_name_fold" ON "indicator_category" ("name_fold")')
    if not any(column.name == "category_id" for column in db.get_columns("indicator")):
        db.execute_sql(
            'ALTER TABLE "indicator" ADD COLUMN "category_id" INTEGER '
            'REFERENCES "indicator_category" ("id") ON DELETE SET NULL'
        )
    db.execute_sql('CREATE INDEX IF NOT EXISTS "indicator_category_id" ON "indicator" ("category_id")')
    if not any(column.name == "event_date" for column in db.get_columns("status_change")):
        db.execute_sql('ALTER TABLE "status_change" ADD COLUMN "event_date" DATE')


def v5_model_version(db: pw.SqliteDatabase) -> None:
    """Add ``mo_hinh.version``, the optimistic version a stale save is refused by.

    In place, NOT NULL with its SQL default, like step 3: every existing row starts at 1.
    """
    if any(column.name == "version" for column in db.get_columns("mo_hinh")):
        return
    db.execute_sql('ALTER TABLE "mo_hinh" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1')


def v6_history(db: pw.SqliteDatabase) -> None:
    """History of every change (batches and their entries) and the trash."""
    db.create_tables(HISTORY_TABLES)
    db.execute_sql('CREATE INDEX IF NOT EXISTS "change_batch_record" ON "change" ("record_uuid", "id")')


def v7_source_offices(db: pw.SqliteDatabase) -> None:
    """Exchange packages: the offices below that send their year, and where a unit or model came from."""
    db.execute_sql(
        'CREATE TABLE IF NOT EXISTS "source_office" ("id" INTEGER NOT NULL PRIMARY KEY, "uuid" VARCHAR(255) NOT NULL, '
        '"name" VARCHAR(255) NOT NULL, "name_fold" VARCHAR(255) NOT NULL, "sort_order" INTEGER NOT NULL, '
        '"active" INTEGER NOT NULL, "area_name" VARCHAR(255) NOT NULL, "level" VARCHAR(255) NOT NULL, '
        '"note" TEXT NOT NULL)'
    )
    db.execute_sql('CREATE UNIQUE INDEX IF NOT EXISTS "source_office_uuid" ON "source_office" ("uuid")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "source_office_name_fold" ON "source_office" ("name_fold")')
    reference = 'INTEGER REFERENCES "source_office" ("id") ON DELETE SET NULL'
    for table in ("unit", "mo_hinh"):
        if not any(column.name == "source_office_id" for column in db.get_columns(table)):
            db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "source_office_id" {reference}')
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{table}_source_office_id" ON "{table}" ("source_office_id")')
    if not any(column.name == "source_hash" for column in db.get_columns("mo_hinh")):
        db.execute_sql('ALTER TABLE "mo_hinh" ADD COLUMN "source_hash" VARCHAR(255) NOT NULL DEFAULT \'\'')
    db.create_tables(EXCHANGE_TABLES)


def v8_progress(db: pw.SqliteDatabase) -> None:
    """Follow-up reports on a model during its year (sơ kết 6 tháng, kiểm tra tiến độ)."""
    db.execute_sql(
        'CREATE TABLE IF NOT EXISTS "progress_entry" ("id" INTEGER NOT NULL PRIMARY KEY, '
        '"uuid" VARCHAR(255) NOT NULL, '
        '"model_id" INTEGER NOT NULL REFERENCES "mo_hinh" ("id") ON DELETE CASCADE, "report_date" DATE NOT NULL, '
        '"done" TEXT NOT NULL, "values" TEXT NOT NULL, "status" VARCHAR(255) NOT NULL, "note" TEXT NOT NULL, '
        '"created_at" DATETIME NOT NULL)'
    )
    db.execute_sql('CREATE UNIQUE INDEX IF NOT EXISTS "progress_entry_uuid" ON "progress_entry" ("uuid")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "progress_entry_model_id" ON "progress_entry" ("model_id")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "progress_entry_report_date" ON "progress_entry" ("report_date")')


def v9_model_list_index(db: pw.SqliteDatabase) -> None:
    """A covering index for the model list of a year: its filters and its name order are read from the index,
    in order, without visiting the wide rows (registration texts) of the whole year."""
    db.execute_sql(
        'CREATE INDEX IF NOT EXISTS "mo_hinh_year_list" ON "mo_hinh" ("year", "name_sort", "id", "kind", "status", '
        '"field_id", "level_id", "unit_id", "source_office_id")'
    )


# Position + 1 is the schema version: append only.
MIGRATIONS: tuple[Migration, ...] = (
    v1_core,
    v2_appraisal,
    v3_person_honorific,
    v4_indicator_categories_and_event_dates,
    v5_model_version,
    v6_history,
    v7_source_offices,
    v8_progress,
    v9_model_list_index,
)


def latest_version() -> int:
    """The schema version this program writes and the newest it can open."""
    return len(MIGRATIONS)


def step(version: int) -> Migration:
    """The step that brings a database from ``version - 1`` to ``version``."""
    if not 1 <= version <= len(MIGRATIONS):
        raise ValueError(f"no schema migration {version}")
    return MIGRATIONS[version - 1]
