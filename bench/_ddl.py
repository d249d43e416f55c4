"""Secondary indexes and foreign keys dropped for a bulk load and rebuilt after it (rebuilding is much faster
than maintaining them row by row); used by fill_tickets.py and sla_sweep.py."""


def capture_ddl(cur, tables: list[str]) -> list[dict]:
    """Plain secondary indexes and foreign keys of `tables` (constraint-backed indexes stay)."""
    ddl = []
    for table in tables:
        cur.execute("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
                    "WHERE indrelid = %s::regclass AND NOT EXISTS "
                    "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)", [table])
        ddl += [{"kind": "index", "table": table, "name": n, "sql": s} for n, s in cur.fetchall()]
        cur.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f'", [table])
        ddl += [{"kind": "fk", "table": table, "name": n, "sql": s} for n, s in cur.fetchall()]
    return ddl


def drop_ddl(cur, ddl: list[dict]) -> None:
    for item in ddl:
        if item["kind"] == "index":
            cur.execute(f'DROP INDEX IF EXISTS "{item["name"]}"')
        else:
            cur.execute(f'ALTER TABLE "{item["table"]}" DROP CONSTRAINT IF EXISTS "{item["name"]}"')


def restore_ddl(cur, ddl: list[dict]) -> None:
    for item in sorted(ddl, key=lambda i: i["kind"] != "index"):  # indexes first, then validate FKs
        if item["kind"] == "index":
            cur.execute(item["sql"].replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
                        .replace("CREATE UNIQUE INDEX ", "CREATE UNIQUE INDEX IF NOT EXISTS ", 1))
            continue
        cur.execute("SELECT 1 FROM pg_constraint WHERE conrelid = %s::regclass AND conname = %s",
                    [item["table"], item["name"]])
        if cur.fetchone() is None:
            cur.execute(f'ALTER TABLE "{item["table"]}" ADD CONSTRAINT "{item["name"]}" {item["sql"]}')
