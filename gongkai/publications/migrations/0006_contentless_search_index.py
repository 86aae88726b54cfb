"""The search index of issue 10: contentless FTS5 tables of pairs of units (with their filters
as tags) and of each item's distinct characters, replacing the table that stored every token and
character again (~28 KB an item). SQLite only; other databases search without it."""

from django.db import migrations

CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS publications_search USING fts5("
    "title, doc_number, body, tags, content='', tokenize='unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS publications_search_chars USING fts5("
    "title, other, tags, content='', detail='column', "
    "tokenize='unicode61 remove_diacritics 0')",
]
OLD = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS publications_search USING fts5("
    "title, doc_number, body, chars, tokenize = 'unicode61 remove_diacritics 0')"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS publications_search")
    for statement in CREATE:
        schema_editor.execute(statement)
    from gongkai.publications import search

    search.rebuild()


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS publications_search_chars")
    schema_editor.execute("DROP TABLE IF EXISTS publications_search")
    schema_editor.execute(OLD)


class Migration(migrations.Migration):
    dependencies = [("publications", "0005_late_items_index")]

    operations = [migrations.RunPython(forwards, backwards)]
