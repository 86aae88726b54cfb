"""gongkai.core.bulk.insert writes rows as save() would: auto dates set, JSON encoded, foreign keys
by id; primary keys read back by a unique column when asked for."""

from __future__ import annotations

import pytest

from gongkai.core import bulk, clock
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


def test_rows_are_written_with_their_keys_read_back(county: Unit) -> None:
    before = clock.now()
    units = [
        Unit(code=f"D{n}", name=f"县第{n}局", kind=UnitKind.DEPARTMENT, parent=county)
        for n in range(1200)  # more than one batch and one IN (…) query
    ]
    bulk.insert(units, key="code")
    assert all(u.pk is not None and not u._state.adding for u in units)
    stored = {u.pk: u for u in Unit.objects.filter(parent=county)}
    assert len(stored) == 1200
    for unit in units:
        row = stored[unit.pk]
        assert (row.code, row.name, row.parent_id) == (unit.code, unit.name, county.pk)
        assert row.created_at >= before and row.updated_at >= before


def test_rows_without_a_key_get_none_and_json_is_stored_as_json(county: Unit) -> None:
    entries = [
        AuditEntry(action="x.test", target_type="orgs.unit", target_id=str(county.pk),
                   summary=f"第{n}条", data={"n": n, "名称": "县民政局"})
        for n in range(3)
    ]  # fmt: skip
    bulk.insert(entries)
    assert all(e.pk is None for e in entries)
    rows = AuditEntry.objects.filter(action="x.test").order_by("pk")
    assert [(r.summary, r.data) for r in rows] == [
        (f"第{n}条", {"n": n, "名称": "县民政局"}) for n in range(3)
    ]
    assert all(r.at is not None for r in rows)


def test_objects_with_primary_keys_are_refused(county: Unit) -> None:
    with pytest.raises(ValueError, match="primary keys"):
        bulk.insert([county])
    bulk.insert([])  # nothing to do
