"""Trigram indexes for fragment search, PostgreSQL only (issue 15; tickets/search.py).

- `ticket_search_trgm`: GIN (search_text gin_trgm_ops) answers `search_text LIKE '%…%'` — a phone's digits, part
  of a name, model or serial, a word of the fault — and `LIKE '% 黑屏 %'` for the two-character words.
- `ticket_number_trgm`: GIN (number gin_trgm_ops) answers `number LIKE '%0317'`, the end of a ticket number.

Not in Meta.indexes: SQLite has neither GIN nor pg_trgm, and command 1 (scripts/run.sh) migrates SQLite; there
the same LIKE scans the (small) table. pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner
may create it. The indexes are built CONCURRENTLY (this migration is not atomic), so a million-ticket table
keeps taking writes during the few minutes each build takes. If a concurrent build fails it leaves an INVALID
index; drop it (`DROP INDEX ticket_search_trgm`) and migrate again.

The statistics target of search_text is raised to 1000: the planner estimates `LIKE '%…%'` by trying the
pattern on the histogram's sample, and at the default 100 values a word in 0.5 % of tickets often reads as
"0.01 %" or "1 %" — the choice between walking the newest tickets and reading the index depends on it.
"""
from django.db import migrations

INDEXES = {
    "ticket_search_trgm": "search_text",
    "ticket_number_trgm": "number",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
                              f"ON tickets_ticket USING gin ({column} gin_trgm_ops)")
    schema_editor.execute("ALTER TABLE tickets_ticket ALTER COLUMN search_text SET STATISTICS 1000")
    schema_editor.execute("ANALYZE tickets_ticket")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    schema_editor.execute("ALTER TABLE tickets_ticket ALTER COLUMN search_text SET STATISTICS -1")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("tickets", "0010_ticket_search_text_backfill"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
