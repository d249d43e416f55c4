"""The search text of the tickets already there, computed by the function the services use (tickets.search).

In batches by id, one read and one UPDATE per 5,000 tickets (on PostgreSQL one `UPDATE … FROM unnest(…)`), each
batch committed by itself (not atomic): no lock is held on the table for the whole run, which at a million
tickets took 12 minutes on the shared 2-core box (every row rewritten, every index of the table updated).
Interrupted, it is simply run again: only rows whose text differs are written, so a second run writes nothing.
"""
from django.db import migrations


def backfill(apps, schema_editor):
    from tickets.search import search_text_refresh  # a pure function of the row's values: safe in a migration

    Ticket = apps.get_model("tickets", "Ticket")
    search_text_refresh(Ticket.objects.all(), connection=schema_editor.connection)


class Migration(migrations.Migration):
    atomic = False  # each batch its own transaction (see above)

    dependencies = [
        ("tickets", "0009_ticket_search_text"),
    ]

    operations = [
        # Backwards: nothing to undo (the column goes with 0009's reversal).
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
