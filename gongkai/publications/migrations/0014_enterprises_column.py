"""The 公共企事业单位信息公开 column (seed 001 item 9: 在县政府门户网站建立公共企事业单位信息公开专栏).

A top-level column of the disclosure site beside 依申请公开, not under 法定主动公开内容: what the
public enterprises publish is not government information (docs/adr/0023). Reference data like
migration 0002's columns, so every county has it; tests/conftest.py puts it back after a flush.
"""

from django.db import migrations

CODE = "enterprises"
NAME = "公共企事业单位信息公开"
SORT_ORDER = 18  # after 依申请公开, the last of migration 0002's seventeen


def forwards(apps, schema_editor):
    Column = apps.get_model("publications", "Column")
    Column.objects.get_or_create(
        code=CODE,
        defaults={"name": NAME, "parent": None, "kind": "other", "sort_order": SORT_ORDER},
    )


class Migration(migrations.Migration):
    dependencies = [("publications", "0013_publication_interpretation_form")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
