"""Each publication's top-level column (issue 10): a parent column's list, such as
法定主动公开内容 with its 13 sub-columns, reads one index range at any page instead of walking
every published item and filtering by column."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    """Set every item's top-level column, one UPDATE per column (on the column's index)."""
    Column = apps.get_model("publications", "Column")
    Publication = apps.get_model("publications", "Publication")
    parents = dict(Column.objects.values_list("pk", "parent_id"))
    for pk in parents:
        top = pk
        while parents[top] is not None:
            top = parents[top]
        Publication.objects.filter(column_id=pk).update(top_column_id=top)


class Migration(migrations.Migration):
    dependencies = [("publications", "0007_published_counts")]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="top_column",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="publications.column",
                verbose_name="一级栏目",
            ),
        ),
        migrations.AddIndex(
            model_name="publication",
            index=models.Index(
                fields=["top_column", "status", "published_at"], name="publication_by_top_column"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
