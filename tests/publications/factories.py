"""factory_boy factories for government information, for tests that need many items at once.

Pages and workflows are better exercised through the services (``tests/publications/conftest.py``
does that); these build rows directly, with the standard topics and columns of migration 0002.
"""

from __future__ import annotations

import datetime as dt

import factory

from gongkai.core import clock
from gongkai.publications import richtext
from gongkai.publications.models import (
    Column,
    FiveClass,
    Publication,
    PublicationStatus,
    TopicCategory,
)
from tests.factories import UnitFactory


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    unit = factory.SubFactory(UnitFactory)
    issuer = factory.LazyAttribute(lambda o: o.unit.name)
    title = factory.Sequence(lambda n: f"测试政府信息{n}")
    written_on = factory.LazyFunction(lambda: clock.today() - dt.timedelta(days=3))
    topic = factory.LazyFunction(lambda: TopicCategory.objects.get(code="0100"))
    five_class = FiveClass.EXECUTION
    column = factory.LazyFunction(lambda: Column.objects.get(code="news"))
    body = "<p>正文第一段。</p><p>正文第二段。</p>"
    body_text = factory.LazyAttribute(lambda o: richtext.plain_text(o.body))
    status = PublicationStatus.DRAFT
