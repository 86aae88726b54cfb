"""Seed the life events the 办事一本通 groups guides by (seed 001 item 12), 其他 last."""

from django.db import migrations

LIFE_EVENTS = [
    ("birth", "生育"),
    ("school", "上学"),
    ("employment", "就业"),
    ("business", "创业"),
    ("elderly", "养老"),
    ("medical", "医疗"),
    ("tax", "纳税"),
    ("other", "其他"),
]


def seed(apps, schema_editor):
    LifeEvent = apps.get_model("serviceguides", "LifeEvent")
    for order, (code, name) in enumerate(LIFE_EVENTS, start=1):
        LifeEvent.objects.update_or_create(
            code=code, defaults={"name": name, "sort_order": order * 10}
        )


def unseed(apps, schema_editor):
    LifeEvent = apps.get_model("serviceguides", "LifeEvent")
    LifeEvent.objects.filter(code__in=[code for code, _ in LIFE_EVENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("serviceguides", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
