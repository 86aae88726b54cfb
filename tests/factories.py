"""factory_boy factories for the models tests build on."""

from __future__ import annotations

import factory

from gongkai.catalog.models import Catalog, CatalogItem, Domain, GuidelineItem
from gongkai.orgs.models import Membership, Role, Unit, UnitKind, User


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.DEPARTMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"工作人员{n}")
    password = factory.django.Password("pass-for-tests-1")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.EDITOR


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"domain-{n}")
    name = factory.Sequence(lambda n: f"测试领域{n}")


COMPLETE_ELEMENTS = {
    "level1": "最低生活保障",
    "level2": "办事指南",
    "content": "办理事项、办理条件、最低生活保障标准、申请材料、办理流程、办理时间、地点、联系方式",
    "basis": "《社会救助暂行办法》\n《最低生活保障审核确认办法》",
    "time_limit": "制定或获取信息之日起10个工作日内",
    "subject": "县民政局",
    "channels": "政府网站\n政务新媒体\n便民服务站",
    "audience_public": True,
    "audience_specific": False,
    "mode_proactive": True,
    "mode_on_request": False,
    "level_county": True,
    "level_township": True,
}


class GuidelineItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuidelineItem

    domain = factory.SubFactory(DomainFactory)
    sort_order = factory.Sequence(lambda n: n)
    level1 = COMPLETE_ELEMENTS["level1"]
    level2 = factory.Sequence(lambda n: f"二级事项{n}")
    content = COMPLETE_ELEMENTS["content"]
    basis = COMPLETE_ELEMENTS["basis"]
    time_limit = COMPLETE_ELEMENTS["time_limit"]
    subject = COMPLETE_ELEMENTS["subject"]
    channels = COMPLETE_ELEMENTS["channels"]
    audience_public = True
    mode_proactive = True
    level_county = True
    level_township = True


class CatalogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Catalog

    unit = factory.SubFactory(UnitFactory)
    version = 2024


class CatalogItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogItem

    catalog = factory.SubFactory(CatalogFactory)
    domain = factory.SubFactory(DomainFactory)
    sort_order = factory.Sequence(lambda n: n)
    level1 = COMPLETE_ELEMENTS["level1"]
    level2 = factory.Sequence(lambda n: f"二级事项{n}")
    content = COMPLETE_ELEMENTS["content"]
    basis = COMPLETE_ELEMENTS["basis"]
    time_limit = COMPLETE_ELEMENTS["time_limit"]
    subject = COMPLETE_ELEMENTS["subject"]
    channels = COMPLETE_ELEMENTS["channels"]
    audience_public = True
    mode_proactive = True
    level_county = True
