"""A past year's annual report never changes, and carry-over equals carry-forward, per unit and
column (条例第四十九、五十条; 国办公开办函〔2021〕30号: 结转下年度继续办理 of year N = 上年结转 of
year N+1; within a year 一 + 二 = （七）总计 + 四).

Three years of a small county are played through the real services in date order, with the
clock set to each step's day: routing inside the unified intake (within a year and across a year
end), an extension, a 补正, a fee paid and a fee unpaid, a 第三十五条 longer period, a withdrawal
and a lapse, many crossing 31 December. Each year's table is taken, for the county and for every
unit, the moment the year ends; at the close every past table is computed again and must be the
same, number for number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from gongkai.applications import services
from gongkai.applications.models import Application, Channel, ConsultationKind
from gongkai.applications.selectors import annual_report_table, report_numbers
from gongkai.orgs.models import Role, Unit, User
from tests.applications.test_services import APPLICANT
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date
YEARS = (2023, 2024, 2025)
COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
NEW, OVER, TOTAL, FORWARD = (
    "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量",
    "总计",
    "结转下年度继续办理",
)


def _staff(name: str, unit: Unit, role: str) -> User:
    user: User = UserFactory(username=name, full_name=name)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


class County:
    """The units, their staff and the applications by letter, with the steps to play."""

    def __init__(self, department: Unit, other: Unit, township: Unit, office: User) -> None:
        self.units = {"MZJ": department, "ZJJ": other, "QJZ": township}
        self.handlers = {
            code: _staff(f"{code}_h", u, Role.HANDLER) for code, u in self.units.items()
        }
        self.reviewer = _staff("MZJ_r", department, Role.REVIEWER)
        self.office = office
        self.apps: dict[str, Application] = {}
        self.steps: list[tuple[dt.date, Callable[[], Any]]] = []

    def h(self, name: str) -> User:
        return self.handlers[self.app(name).unit.code]

    def app(self, name: str) -> Application:
        return Application.objects.get(pk=self.apps[name].pk)

    def at(self, day: dt.date, step: Callable[[], Any]) -> None:
        self.steps.append((day, step))

    def register(
        self, name: str, code: str, day: dt.date, kind: str, *, accept: bool = True
    ) -> None:
        def step() -> None:
            application, _ = services.application_register(
                actor=self.handlers[code],
                unit=self.units[code],
                channel=Channel.IN_PERSON,
                values={**APPLICANT, "applicant_type": kind, "applicant_name": f"申请人{name}"},
                submitted_on=day,
            )
            self.apps[name] = application
            if accept:
                services.application_accept(
                    actor=self.handlers[code], application=application, on=day
                )

        self.at(day, step)

    def reply(self, name: str, day: dt.date, outcome: str = "grant") -> None:
        self.at(
            day,
            lambda: services.application_reply(
                actor=self.h(name), application=self.app(name), on=day, outcome=outcome, note="理由"
            ),
        )


@pytest.fixture
def county_years(department: Unit, other_department: Unit, township: Unit, office: User) -> County:
    c = County(department, other_department, township, office)
    route = services.application_route
    # 2023 ---------------------------------------------------------------------------------
    c.register("K", "MZJ", D(2023, 11, 1), "natural")
    c.reply("K", D(2023, 11, 20))
    c.register("C", "MZJ", D(2023, 12, 1), "legal")
    c.at(
        D(2023, 12, 25),
        lambda: services.application_extend(
            actor=c.reviewer, application=c.app("C"), on=D(2023, 12, 25), reason="档案量大"
        ),
    )
    c.reply("C", D(2024, 1, 20), "secret")
    c.register("D", "QJZ", D(2023, 12, 15), "research")
    c.at(
        D(2023, 12, 22),
        lambda: services.application_fee_notice(
            actor=c.h("D"),
            application=c.app("D"),
            on=D(2023, 12, 22),
            amount=Decimal("100"),
            basis="本月第11件",
            received_on=D(2023, 12, 22),
        ),
    )
    c.at(
        D(2024, 1, 25),
        lambda: services.application_fee_lapse(
            actor=c.h("D"), application=c.app("D"), on=D(2024, 1, 25)
        ),
    )
    c.register("A", "MZJ", D(2023, 12, 20), "natural")
    # Routed after the year end: 2023 already carried it forward at 县民政局.
    c.at(
        D(2024, 1, 3),
        lambda: route(
            actor=c.office, application=c.app("A"), to_unit=other_department, on=D(2024, 1, 3)
        ),
    )
    c.reply("A", D(2024, 1, 25))
    c.register("B", "MZJ", D(2023, 12, 25), "business", accept=False)
    c.at(
        D(2023, 12, 27),
        lambda: services.application_request_supplement(
            actor=c.h("B"),
            application=c.app("B"),
            on=D(2023, 12, 27),
            deadline=D(2024, 1, 10),
            items="写明年份",
        ),
    )
    c.at(
        D(2024, 1, 8),
        lambda: services.application_supplemented(
            actor=c.h("B"), application=c.app("B"), on=D(2024, 1, 8)
        ),
    )
    c.reply("B", D(2024, 2, 1), "partial")
    c.register("L", "ZJJ", D(2023, 12, 26), "charity", accept=False)
    c.at(
        D(2023, 12, 28),
        lambda: services.application_request_supplement(
            actor=c.h("L"),
            application=c.app("L"),
            on=D(2023, 12, 28),
            deadline=D(2024, 1, 5),
            items="写明项目名称",
        ),
    )
    c.at(
        D(2024, 1, 8),
        lambda: services.application_lapse(
            actor=c.h("L"), application=c.app("L"), on=D(2024, 1, 8)
        ),
    )
    # 2024 ---------------------------------------------------------------------------------
    c.register("I", "MZJ", D(2024, 6, 3), "natural")
    c.at(
        D(2024, 6, 4),
        lambda: route(
            actor=c.office, application=c.app("I"), to_unit=other_department, on=D(2024, 6, 4)
        ),
    )
    c.reply("I", D(2024, 6, 20), "not_held")
    c.register("M", "ZJJ", D(2024, 12, 2), "business")
    c.at(
        D(2024, 12, 4),
        lambda: services.application_consult(
            actor=c.h("M"),
            application=c.app("M"),
            kind=ConsultationKind.THIRD_PARTY,
            party="某公司",
            sent_on=D(2024, 12, 4),
        ),
    )
    c.at(
        D(2024, 12, 5),
        lambda: services.application_consultation_delivered(
            actor=c.h("M"), consultation=c.app("M").consultations.get(), on=D(2024, 12, 5)
        ),
    )
    c.at(
        D(2025, 1, 2),
        lambda: services.application_consultation_answered(
            actor=c.h("M"),
            consultation=c.app("M").consultations.get(),
            on=D(2025, 1, 2),
            answer="同意",
        ),
    )
    c.reply("M", D(2025, 1, 24), "grant")
    c.register("F", "MZJ", D(2024, 12, 20), "natural")
    c.at(
        D(2025, 1, 6),
        lambda: services.application_withdraw(
            actor=c.h("F"), application=c.app("F"), on=D(2025, 1, 6), reason="申请人书面撤回"
        ),
    )
    c.register("H", "QJZ", D(2024, 12, 24), "other")
    c.at(
        D(2024, 12, 26),
        lambda: services.application_request_reasons(
            actor=c.h("H"), application=c.app("H"), on=D(2024, 12, 26), note="本月第60件"
        ),
    )
    c.at(
        D(2024, 12, 27),
        lambda: services.application_defer(
            actor=c.h("H"),
            application=c.app("H"),
            on=D(2024, 12, 27),
            until=D(2025, 3, 31),
            reason="涉及多年档案",
        ),
    )
    c.reply("H", D(2025, 3, 20))
    c.register("G", "ZJJ", D(2024, 12, 27), "legal")
    c.at(
        D(2024, 12, 30),
        lambda: services.application_fee_notice(
            actor=c.h("G"),
            application=c.app("G"),
            on=D(2024, 12, 30),
            amount=Decimal("200"),
            basis="本月第12件",
        ),
    )
    c.at(
        D(2024, 12, 31),
        lambda: services.application_fee_received(
            actor=c.h("G"), application=c.app("G"), on=D(2024, 12, 31)
        ),
    )
    c.at(
        D(2025, 1, 10),
        lambda: services.application_fee_paid(
            actor=c.h("G"), application=c.app("G"), on=D(2025, 1, 10)
        ),
    )
    c.reply("G", D(2025, 1, 20), "published")

    def online_e() -> None:
        application, _ = services.application_submit_online(
            unit=department, values={**APPLICANT, "applicant_name": "申请人E"}
        )
        c.apps["E"] = application

    c.at(D(2024, 12, 28), online_e)
    c.at(
        D(2024, 12, 30),
        lambda: services.application_confirm_receipt(
            actor=c.handlers["MZJ"], application=c.app("E"), on=D(2024, 12, 30)
        ),
    )
    # Routed within its year: counted once, at the township that answers it.
    c.at(
        D(2024, 12, 31),
        lambda: route(actor=c.office, application=c.app("E"), to_unit=township, on=D(2024, 12, 31)),
    )
    c.at(
        D(2025, 1, 3),
        lambda: services.application_accept(
            actor=c.handlers["QJZ"], application=c.app("E"), on=D(2025, 1, 3)
        ),
    )
    c.reply("E", D(2025, 1, 10), "not_held")
    # 2025 ---------------------------------------------------------------------------------
    c.register("J", "MZJ", D(2025, 12, 29), "natural")
    return c


def _tables(units: dict[str, Unit], year: int) -> dict[str, dict[str, dict[str, int]]]:
    found = {"county": report_numbers(annual_report_table(year))}
    for code, unit in units.items():
        found[code] = report_numbers(annual_report_table(year, units=[unit]))
    return found


def _play(county: County) -> dict[int, dict[str, dict[str, dict[str, int]]]]:
    """Run the steps in date order; take every year's tables as soon as the year is over."""
    taken: dict[int, dict[str, dict[str, dict[str, int]]]] = {}
    for day, step in sorted(county.steps, key=lambda s: s[0]):
        for year in YEARS:
            if year < day.year and year not in taken:
                with time_machine.travel(f"{year + 1}-01-01 00:30 +0800", tick=False):
                    taken[year] = _tables(county.units, year)
        with time_machine.travel(f"{day.isoformat()} 17:00 +0800", tick=False):
            step()
    with time_machine.travel("2026-01-01 00:30 +0800", tick=False):
        for year in YEARS:
            taken.setdefault(year, _tables(county.units, year))
    return taken


def test_past_years_never_change_and_carry_over_equals_carry_forward(
    county_years: County,
) -> None:
    taken = _play(county_years)
    with time_machine.travel("2026-06-30 10:00 +0800", tick=False):
        now = {year: _tables(county_years.units, year) for year in YEARS}
    assert now == taken  # nothing that happened after a year changed its report
    for scope in now[2023]:
        for year in YEARS:
            numbers = now[year][scope]
            for column in COLUMNS:
                assert (
                    numbers[NEW][column] + numbers[OVER][column]
                    == numbers[TOTAL][column] + numbers[FORWARD][column]
                ), (scope, year, column)
            if year > YEARS[0]:
                assert numbers[OVER] == now[year - 1][scope][FORWARD], (scope, year)
    # Not trivially zero, and each rule visible where it applies.
    county = {year: now[year]["county"] for year in YEARS}
    assert county[2023][NEW]["总计"] == 6 and county[2023][FORWARD]["总计"] == 5
    assert county[2024][FORWARD]["总计"] == 5 and county[2025][FORWARD]["总计"] == 1
    # A (routed 2024-01-03, after its year) stays in 县民政局's books: its grant counts there.
    assert now[2024]["MZJ"]["予以公开"]["自然人"] == 1
    assert now[2024]["ZJJ"]["予以公开"]["自然人"] == 0
    # I (routed within its year) counts once, at 县住建局 that answered it.
    assert now[2024]["ZJJ"][NEW]["自然人"] == 1
    assert now[2024]["ZJJ"]["本机关不掌握相关政府信息"]["自然人"] == 1
    # E (online, confirmed 2024-12-30, routed 2024-12-31) is the township's, carried forward.
    assert now[2024]["QJZ"][FORWARD]["自然人"] == 1
    assert now[2025]["QJZ"]["本机关不掌握相关政府信息"]["自然人"] == 1
    # The withdrawal, the lapse and the unpaid fee are 其他处理.
    assert now[2025]["MZJ"]["其他"]["自然人"] == 1
    assert (
        now[2024]["ZJJ"]["申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"][
            "社会公益组织"
        ]
        == 1
    )
    assert (
        now[2024]["QJZ"]["申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"][
            "科研机构"
        ]
        == 1
    )
