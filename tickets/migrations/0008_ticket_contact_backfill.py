"""Each ticket keeps the contact it was registered with (issue 14, part 5): fill the contact columns of the
tickets registered before they were written at registration, from their customer record as it is now (the
best record of the past there is).

One statement whatever the number of tickets: on PostgreSQL an UPDATE … FROM joins the customers once (at a
million tickets a Python loop would be a million round trips); elsewhere (SQLite) the same as correlated
subqueries. Only blank columns are touched, so a contact corrected on the ticket stays as it is, and running
it again changes nothing.
"""
from django.db import migrations

POSTGRES = """
UPDATE tickets_ticket AS t
   SET contact_name = CASE WHEN t.contact_name = '' THEN c.name ELSE t.contact_name END,
       contact_phone = CASE WHEN t.contact_phone = '' THEN c.phone ELSE t.contact_phone END
  FROM tickets_customer AS c
 WHERE c.id = t.customer_id AND (t.contact_name = '' OR t.contact_phone = '')
"""

PORTABLE = """
UPDATE tickets_ticket
   SET contact_name = CASE WHEN contact_name = '' THEN
                      (SELECT c.name FROM tickets_customer c WHERE c.id = tickets_ticket.customer_id)
                      ELSE contact_name END,
       contact_phone = CASE WHEN contact_phone = '' THEN
                       (SELECT c.phone FROM tickets_customer c WHERE c.id = tickets_ticket.customer_id)
                       ELSE contact_phone END
 WHERE contact_name = '' OR contact_phone = ''
"""


def backfill(apps, schema_editor):
    sql = POSTGRES if schema_editor.connection.vendor == "postgresql" else PORTABLE
    schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0007_ticket_merged"),
    ]

    operations = [
        # Backwards: nothing to undo; a filled contact means the same as the blank one did.
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
