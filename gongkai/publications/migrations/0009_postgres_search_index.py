"""The search index on PostgreSQL (docs/adr/0011): a table of tsvectors built by search.py from
the same pairs of units as the FTS5 index, partitioned by id, with GIN indexes. PostgreSQL only;
SQLite keeps its FTS5 tables (0006)."""

from django.db import migrations

CREATE = [
    # One row per published item (``part`` 0), or a few for an item too long for one tsvector
    # (``whole`` false); partitioned by id, search.SEGMENT ids a partition (search.py creates
    # them). No foreign key: the index is kept in step by the services, and a truncated
    # publications table must not need a cascade.
    "CREATE TABLE IF NOT EXISTS publications_search ("
    "id bigint NOT NULL, part smallint NOT NULL, whole boolean NOT NULL, "
    "title tsvector NOT NULL, doc tsvector NOT NULL, chars tsvector NOT NULL, "
    "PRIMARY KEY (id, part)) PARTITION BY RANGE (id)",
    *(
        f"CREATE INDEX IF NOT EXISTS publications_search_{column}{suffix} "
        f"ON publications_search USING gin ({column}) WHERE {where}"
        for column in ("doc", "title", "chars")
        for suffix, where in (("", "whole"), ("_parts", "NOT whole"))
    ),
    "CREATE INDEX IF NOT EXISTS publications_search_parts ON publications_search (id) "
    "WHERE NOT whole",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in CREATE:
        schema_editor.execute(statement)
    from gongkai.publications import search

    search.rebuild()


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS publications_search")


class Migration(migrations.Migration):
    dependencies = [("publications", "0008_publication_top_column")]

    operations = [migrations.RunPython(forwards, backwards)]
