"""The standard 主题分类 and the standard structure of the disclosure column.

Every county needs these, so they are data of the schema rather than of the demo; the office may
rename or extend them in the admin. The topic list is the State Council's subject classification
of government information (as used by the government-information directories); the column tree is
the standard structure of a 政府信息公开专栏: 指南, 制度, 法定主动公开内容, 年报, 依申请公开. Update
periods follow the inspection indicators (国办秘函〔2019〕19号): news columns 2 weeks, notices and
policy columns 6 months.
"""

from django.db import migrations

TOPICS = [
    "综合政务", "国民经济管理、国有资产监管", "财政、金融、审计", "国土资源、能源", "农业、林业、水利",
    "工业、交通", "商贸、海关、旅游", "市场监管、安全生产监管", "城乡建设、环境保护", "科技、教育",
    "文化、广电、新闻出版", "卫生、体育", "人口与计划生育、妇女儿童工作", "劳动、人事、监察",
    "公安、安全、司法", "民政、扶贫、救灾", "民族、宗教", "对外事务", "港澳台侨工作", "国防", "其他",
]  # fmt: skip

# (code, name, parent code, kind, update days)
COLUMNS = [
    ("guide", "政府信息公开指南", None, "guide", None),
    ("rules", "政府信息公开制度", None, "guide", None),
    ("statutory", "法定主动公开内容", None, "other", None),
    ("functions", "机构职能", "statutory", "other", None),
    ("normative", "行政规范性文件", "statutory", "notice", 183),
    ("policies", "其他政策文件", "statutory", "notice", 183),
    ("interpretation", "政策解读", "statutory", "notice", 183),
    ("notices", "通知公告", "statutory", "notice", 183),
    ("news", "工作动态", "statutory", "news", 14),
    ("budget", "财政预决算", "statutory", "other", None),
    ("key-areas", "重点领域信息公开", "statutory", "other", None),
    ("personnel", "人事信息", "statutory", "other", None),
    ("plans", "规划计划", "statutory", "other", None),
    ("standardization", "基层政务公开标准化规范化专栏", "statutory", "news", 14),
    ("village", "村（居）务公开", "statutory", "other", None),
    ("annual-reports", "政府信息公开年报", None, "other", None),
    ("on-request", "依申请公开", None, "guide", None),
]


def forwards(apps, schema_editor):
    TopicCategory = apps.get_model("publications", "TopicCategory")
    Column = apps.get_model("publications", "Column")
    for number, name in enumerate(TOPICS, start=1):
        TopicCategory.objects.get_or_create(
            code=f"{number:02d}00", defaults={"name": name, "sort_order": number}
        )
    created = {}
    for order, (code, name, parent, kind, days) in enumerate(COLUMNS, start=1):
        column, _ = Column.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": created.get(parent),
                "kind": kind,
                "update_days": days,
                "sort_order": order,
            },
        )
        created[code] = column


class Migration(migrations.Migration):
    dependencies = [("publications", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
