"""Shared plumbing for the bench scripts: Django set-up against PostgreSQL, a raw psycopg connection,
the bench's users, and column introspection so COPY keeps working when other apps add columns."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The bench measures production settings (DEBUG=0) in-process, over plain HTTP via the test client.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SERVICEDESK_VAR_DIR", "/tmp/var_bench")


def setup_django():
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("bench: set DATABASE_URL to a PostgreSQL database, e.g. "
                 "postgres://servicedesk:servicedesk@127.0.0.1:5432/sd_bench")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # Like tests/conftest.py: render templates without collectstatic (no manifest lookup).
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def raw_connection(**kwargs):
    """A plain psycopg 3 connection to the configured database (COPY and DDL run outside the ORM)."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    return psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"],
                           host=db["HOST"] or None, port=db["PORT"] or None, **kwargs)


BENCH_PASSWORD = "bench-2026"
ENGINEERS = 30
RECEPTIONISTS = 6


def bench_users() -> dict[str, list]:
    """Reception, engineers and a manager used as actors by the fill and as the logged-in user by the
    latency run; created once, idempotent."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from core.roles import Role

    User = get_user_model()
    password = make_password(BENCH_PASSWORD)
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞"
    spec = [(f"bench_reception{i:02d}", Role.RECEPTION) for i in range(1, RECEPTIONISTS + 1)]
    spec += [(f"bench_engineer{i:02d}", Role.ENGINEER) for i in range(1, ENGINEERS + 1)]
    spec += [("bench_manager", Role.MANAGER)]
    users: dict[str, list] = {Role.RECEPTION: [], Role.ENGINEER: [], Role.MANAGER: []}
    for index, (username, role) in enumerate(spec):
        user, created = User.objects.get_or_create(username=username, defaults={
            "last_name": surnames[index % len(surnames)], "first_name": given[index % len(given)],
            "password": password})
        if created:
            user.groups.add(Group.objects.get(name=role))
        users[role].append(user)
    return users


def table_columns(cur, table: str) -> list[tuple[str, str, bool, bool]]:
    """(name, data type, nullable, has a default or identity) for each column, in table order."""
    cur.execute(
        "SELECT column_name, data_type, is_nullable = 'YES', column_default IS NOT NULL OR is_identity = 'YES' "
        "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s "
        "ORDER BY ordinal_position", [table])
    return cur.fetchall()


# COPY text-format zero values for NOT NULL columns the bench does not know (added later by other apps).
ZERO_BY_TYPE = {
    "character varying": "", "text": "", "boolean": "f", "integer": "0", "bigint": "0", "smallint": "0",
    "numeric": "0", "jsonb": "{}", "json": "{}", "date": "1970-01-01",
    "timestamp with time zone": "1970-01-01 00:00:00+00", "interval": "0", "uuid": None,
}


def copy_layout(cur, table: str, known: list[str]) -> tuple[list[str], str]:
    """Columns to COPY (the known ones plus unknown NOT NULL ones without a default) and the text
    suffix to append to each row for the unknown ones."""
    extra = []
    for name, data_type, nullable, has_default in table_columns(cur, table):
        if name in known or nullable or has_default:
            continue
        zero = ZERO_BY_TYPE.get(data_type)
        if zero is None:
            sys.exit(f"bench: {table}.{name} ({data_type}) is NOT NULL without a default; teach bench/_common.py "
                     "a zero value for it")
        extra.append((name, zero))
    missing = [name for name in known if name not in {c[0] for c in table_columns(cur, table)}]
    if missing:
        sys.exit(f"bench: {table} has no column(s) {missing}; the schema changed, update bench/fill_tickets.py")
    suffix = "".join("\t" + zero for _name, zero in extra)
    return known + [name for name, _zero in extra], suffix
