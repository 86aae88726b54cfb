"""The full-text index (FTS5) on SQLite; other databases search without it (see search.py)."""

from django.db import migrations

CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS publications_search USING fts5("
    "title, doc_number, body, chars, tokenize = 'unicode61 remove_diacritics 0')"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS publications_search")


class Migration(migrations.Migration):
    dependencies = [("publications", "0002_standard_topics_and_columns")]

    operations = [migrations.RunPython(forwards, backwards)]
