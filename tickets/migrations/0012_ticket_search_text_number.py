"""The number's sequence in every ticket's search text (tickets/search.py: "№0317" last), so digits typed alone
are one trigram-index condition instead of an OR with the number's own index.

As 0010: in batches by id through the function the services use, each batch committed by itself (not atomic), only
the rows whose text differs written; interrupted, it is simply run again. At a million tickets every row is
rewritten (minutes; bench/README.md has the figure). ANALYZE afterwards: the planner estimates `search_text ~ …`
from the column's sample, which should carry the new last word.
"""
from django.db import migrations


def forwards(apps, schema_editor):
    from tickets.search import search_text_refresh  # a pure function of the row's values: safe in a migration

    Ticket = apps.get_model("tickets", "Ticket")
    if search_text_refresh(Ticket.objects.all(), connection=schema_editor.connection) and \
            schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE tickets_ticket")


class Migration(migrations.Migration):
    atomic = False  # each batch its own transaction (see above)

    dependencies = [
        ("tickets", "0011_ticket_search_trgm"),
    ]

    operations = [
        # Backwards: nothing to undo (the older code finds the number by its own index).
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
