"""The audience tags the county starts with (the office may add, rename or retire them)."""

from django.db import migrations

TAGS = [
    ("qiye", "企业", "各类企业、市场主体"),
    ("getihu", "个体工商户", "个体经营者"),
    ("laonianren", "老年人", "60周岁以上老年人及其家属"),
    ("nonghu", "农户", "种养殖户、农民专业合作社"),
    ("xuesheng-jiazhang", "学生家长", "在校学生及其家长"),
    ("canjiren", "残疾人", "残疾人及其家属"),
    ("tuiyi-junren", "退役军人", "退役军人及其他优抚对象"),
    ("di-shouru", "低收入群体", "低保、特困、防止返贫监测对象等"),
    ("jiuye", "求职创业者", "高校毕业生、农民工等求职和创业人员"),
    ("funv-ertong", "妇女儿童", "孕产妇、婴幼儿及其家庭"),
]


def add(apps, schema_editor):
    AudienceTag = apps.get_model("push", "AudienceTag")
    for order, (code, name, description) in enumerate(TAGS, start=1):
        AudienceTag.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("push", "0001_initial")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
