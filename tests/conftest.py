"""Shared fixtures: a small county with an office, two departments, a township and a village,
and staff in each role."""

from __future__ import annotations

import importlib
import os
from typing import Any

import pytest
from django.apps import apps
from hypothesis import HealthCheck, settings

from gongkai.catalog.models import Domain
from gongkai.orgs.models import Role, Unit, UnitKind, User
from tests.factories import DomainFactory, MembershipFactory, UnitFactory, UserFactory

# Property-based tests (tests/fuzz/ and the API fuzzing): "ci" keeps `make test` deterministic
# and short; HYPOTHESIS_PROFILE=deep runs many more examples locally (README, "Fuzzing").
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    max_examples=50,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "deep",
    max_examples=2000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

_STANDARD_DATA = importlib.import_module(
    "gongkai.publications.migrations.0002_standard_topics_and_columns"
)
_ENTERPRISES_COLUMN = importlib.import_module(
    "gongkai.publications.migrations.0014_enterprises_column"
)
_LIFE_EVENTS = importlib.import_module("gongkai.serviceguides.migrations.0002_life_events")


def restore_reference_data() -> None:
    """Re-create the rows data migrations made (standard topics, columns and the life events
    of service guides) after a flush."""
    _STANDARD_DATA.forwards(apps, None)
    _ENTERPRISES_COLUMN.forwards(apps, None)
    _LIFE_EVENTS.seed(apps, None)


@pytest.fixture
def county(db: Any) -> Unit:
    return UnitFactory(code="SCX", name="石城县人民政府", kind=UnitKind.COUNTY)


@pytest.fixture
def office_unit(county: Unit) -> Unit:
    return UnitFactory(code="GKB", name="石城县政务公开办", kind=UnitKind.OFFICE, parent=county)


@pytest.fixture
def department(county: Unit) -> Unit:
    return UnitFactory(code="MZJ", name="县民政局", kind=UnitKind.DEPARTMENT, parent=county)


@pytest.fixture
def other_department(county: Unit) -> Unit:
    return UnitFactory(code="ZJJ", name="县住建局", kind=UnitKind.DEPARTMENT, parent=county)


@pytest.fixture
def township(county: Unit) -> Unit:
    return UnitFactory(code="QJZ", name="琴江镇", kind=UnitKind.TOWNSHIP, parent=county)


@pytest.fixture
def village(township: Unit) -> Unit:
    return UnitFactory(code="QJZ01", name="琴江镇古樟村", kind=UnitKind.VILLAGE, parent=township)


def _staff(username: str, unit: Unit, role: str) -> User:
    user: User = UserFactory(username=username)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def editor(department: Unit) -> User:
    return _staff("mzj_editor", department, Role.EDITOR)


@pytest.fixture
def reviewer(department: Unit) -> User:
    return _staff("mzj_reviewer", department, Role.REVIEWER)


@pytest.fixture
def other_editor(other_department: Unit) -> User:
    return _staff("zjj_editor", other_department, Role.EDITOR)


@pytest.fixture
def office(office_unit: Unit) -> User:
    return _staff("office", office_unit, Role.OFFICE)


@pytest.fixture
def leader(county: Unit) -> User:
    return _staff("leader", county, Role.LEADER)


@pytest.fixture
def township_editor(township: Unit) -> User:
    return _staff("qjz_editor", township, Role.EDITOR)


@pytest.fixture
def village_clerk(village: Unit) -> User:
    return _staff("qjz01_clerk", village, Role.VILLAGE_CLERK)


@pytest.fixture
def domain(db: Any) -> Domain:
    return DomainFactory(code="social-assistance", name="社会救助", aliases=["社会救助领域"])


@pytest.fixture
def second_domain(db: Any) -> Domain:
    return DomainFactory(code="elderly-care", name="养老服务")


@pytest.fixture(autouse=True)
def fresh_search_index(request: pytest.FixtureRequest) -> None:
    """Start each database test with empty search tables. They are no models, so Django's flush
    after a transactional test empties the model tables but not them (FTS5 on SQLite, the
    tsvector table on PostgreSQL): an entry left for an id that now belongs to another item
    would be found by searches (and SQLite's contentless tables could not even remove it, which
    needs the values it was indexed with)."""
    if request.node.get_closest_marker("django_db") is None and "db" not in request.fixturenames:
        return
    if "demo" in request.fixturenames or "demo_output" in request.fixturenames:
        return  # the demo package loads its county (and index) once for all its tests
    from gongkai.publications import search

    _ensure_reference_data(request)

    if _transactional(request):
        # Not through the transactional_db fixture: requesting it here would set it up before
        # the test's own fixtures (tests/core's ``committed`` must be set up before it, to put
        # the reference data back after its flush).
        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            search.clear()
        return
    request.getfixturevalue("db")
    search.clear()


def _transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames
    )


def _ensure_reference_data(request: pytest.FixtureRequest) -> None:
    """Put the data migrations' rows back, committed, when an earlier transactional test's flush
    removed them: otherwise whether a test finds the standard columns depends on which tests ran
    before it (the flush empties every table, and the rows are made by migrations, not fixtures).
    One query when they are there."""
    from gongkai.publications.models import Column

    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        if not Column.objects.exists():
            restore_reference_data()
