"""Re-index for the search's date range: every item now carries its day and month of publication
as well as its year, and an index built before lacks them (a range would miss older items)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from gongkai.publications import search

    search.rebuild()


class Migration(migrations.Migration):
    dependencies = [("publications", "0011_publication_interprets")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
