"""CSV upload: aggregated on arrival into the draft measurements; any problem refuses the whole file."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from followup_builders import MEAN, PROPORTION, approve, proportions, slot, snapshot

from socialinvest.core.models import AuditEvent
from socialinvest.followup import actions
from socialinvest.followup.models import Indicator, Measurement


def _rows(group: str, period: str, values: list[int | float], prefix: str) -> list[str]:
    return [f"{prefix}{i},{group},{period},{v}" for i, v in enumerate(values)]


def _proportion_csv() -> str:
    lines = ["id,group,period,value"]
    lines += _rows("intervention", "2024", [1, 1, 0, 0, 0], "a")  # 2 of 5
    lines += _rows("comparison", "2024", [1, 0, 0, 0], "b")  # 1 of 4
    lines += _rows("insats", "2025", [1, 0, 0, 0, 0, 0], "a")  # 1 of 6
    lines += _rows("jämförelse", "2025", [1, 1, 0], "b")  # 2 of 3
    return "\n".join(lines) + "\n"


def test_upload_fills_each_period_and_keeps_no_rows(world: Any, planned: Any) -> None:
    indicator = Indicator.objects.get(name=PROPORTION)
    saved = actions.do_upload_measurement_csv(
        indicator=indicator, data=_proportion_csv(), acting_user=world.applicant
    )
    assert len(saved) == 2
    m24 = Measurement.objects.get(scheduled=slot(planned, PROPORTION, "2024"))
    m25 = Measurement.objects.get(scheduled=slot(planned, PROPORTION, "2025"))
    assert (m24.intervention_n, m24.intervention_events, m24.comparison_n, m24.comparison_events) == (
        5,
        2,
        4,
        1,
    )
    assert (m25.intervention_n, m25.intervention_events, m25.comparison_n, m25.comparison_events) == (
        6,
        1,
        3,
        2,
    )
    assert m24.status == "draft" and m24.source == "upload"
    assert not Measurement.objects.filter(scheduled=slot(planned, PROPORTION, "2026")).exists()
    event = AuditEvent.objects.get(verb="followup.measurement_uploaded")
    assert event.data["rows"] == 18
    assert "a0" not in str(event.data) and "b1" not in str(event.data)  # no pseudonym is kept


def test_upload_of_means_semicolon_and_decimal_comma(world: Any, planned: Any) -> None:
    indicator = Indicator.objects.get(name=MEAN)
    data = "id;group;period;value\nx1;insats;2024;2\nx2;insats;2024;4\nx3;insats;2024;9\n"
    (m,) = actions.do_upload_measurement_csv(
        indicator=indicator, data=data.encode(), acting_user=world.applicant
    )
    assert (m.intervention_n, m.intervention_mean, m.comparison_n) == (3, 5.0, None)
    assert m.intervention_sd == pytest.approx(((9 + 1 + 16) / 2) ** 0.5)  # deviations -3, -1, 4


BAD = [
    ("", "tom"),
    ("id,group,value\nx,insats,1\n", "Kolumner saknas"),
    ("id,group,period,value\nx,insats,2024,2\n", "0 eller 1"),
    ("id,group,period,value\nx,insats,2024,ett\n", "inte ett tal"),
    ("id,group,period,value\n19811218-9876,insats,2024,1\n", "personnummer"),
    ("id,group,period,value\nx,insats,2024,1\nx,insats,2024,0\n", "två gånger"),
    (
        "id,group,period,value\nx,insats,2024,1\ny,jämförelse,2024,0\nz,insats,2031,1\nw,jämförelse,2031,0\n",
        "2031",
    ),
    ("id,group,period,value\nx,insats,2024,1\ny,insats,2024,0\n", "saknar data för jämförelsegruppen"),
    ('id,group,period,value\n"x,insats,2024,1\n', "giltig CSV"),
]


@pytest.mark.parametrize(("data", "expected"), BAD)
def test_bad_file_is_refused_whole(world: Any, planned: Any, data: str, expected: str) -> None:
    # One period is already filled in: a refused file must leave it as it was.
    s = slot(planned, PROPORTION, "2025")
    actions.do_save_measurement(scheduled=s, values=proportions(9, 1, 9, 1), acting_user=world.applicant)
    before = snapshot()
    indicator = Indicator.objects.get(name=PROPORTION)
    with pytest.raises(ValidationError) as exc:
        actions.do_upload_measurement_csv(indicator=indicator, data=data, acting_user=world.applicant)
    assert any(expected in m for m in exc.value.message_dict["file"]), exc.value.message_dict
    assert snapshot() == before
    m = Measurement.objects.get(scheduled=s)
    assert (m.intervention_n, m.source) == (9, "manual")


def test_comparison_data_for_an_indicator_without_one(world: Any, planned: Any) -> None:
    indicator = Indicator.objects.get(name=MEAN)
    data = (
        "id,group,period,value\nx,insats,2024,1\ny,insats,2024,2\nz,jämförelse,2024,1\nq,jämförelse,2024,3\n"
    )
    with pytest.raises(ValidationError, match="ingen jämförelsegrupp"):
        actions.do_upload_measurement_csv(indicator=indicator, data=data, acting_user=world.applicant)
    assert not Measurement.objects.exists()


def test_a_submitted_period_refuses_the_file(world: Any, planned: Any) -> None:
    approve(world, planned, PROPORTION, "2024", proportions(10, 2, 10, 3))
    before = snapshot()
    indicator = Indicator.objects.get(name=PROPORTION)
    with pytest.raises(ValidationError, match="2024"):
        actions.do_upload_measurement_csv(
            indicator=indicator, data=_proportion_csv(), acting_user=world.applicant
        )
    assert snapshot() == before


def test_only_the_reporter_uploads(world: Any, planned: Any) -> None:
    indicator = Indicator.objects.get(name=PROPORTION)
    with pytest.raises(PermissionDenied):
        actions.do_upload_measurement_csv(
            indicator=indicator, data=_proportion_csv(), acting_user=world.fund_admin
        )
    assert not Measurement.objects.exists()
