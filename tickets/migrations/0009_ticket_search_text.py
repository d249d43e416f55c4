"""The search text of every ticket (issue 15: search that finds fragments; tickets/search.py): the column.

With a constant DEFAULT PostgreSQL adds it without rewriting the table (a moment's lock at any size); its
text for the tickets already there is 0010's, the indexes 0011's.
"""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0008_ticket_contact_backfill"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="search_text",
            field=models.TextField(blank=True, db_default="", default="", editable=False, verbose_name="search text"),
        ),
    ]
