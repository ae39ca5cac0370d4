"""The follow-up pages: each renders for the roles that may see it, 403 with the reason for others,
bad input shows a Swedish error next to the field and writes nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from followup_builders import PROPORTION, WELFARE, approve, proportions, slot, snapshot

from socialinvest.followup import actions
from socialinvest.followup.models import FollowUpPlan, Measurement
from socialinvest.followup.states import MeasurementStatus

pytestmark = pytest.mark.django_db

READERS = ("applicant", "fund_admin", "auditor", "preparer", "decision_maker", "council")


def text(response: Any) -> str:
    return response.content.decode()


def field_error(response: Any, field_id: str) -> str:
    m = re.search(rf'id="{field_id}-error">([^<]*)<', text(response))
    assert m, f"no error next to {field_id}"
    return m.group(1)


def pages(app: Any) -> dict[str, str]:
    return {
        name: reverse(f"followup:{name}", args=[app.pk])
        for name in ("overview", "plan", "measurements", "evaluation", "forecast")
    }


def test_every_page_renders_for_readers_and_403_for_others(world: Any, client: Any, planned: Any) -> None:
    period = slot(planned, PROPORTION, "2025")
    urls = {**pages(planned), "period": reverse("followup:period", args=[period.pk])}
    for role in READERS:
        client.force_login(getattr(world, role))
        for name, url in urls.items():
            response = client.get(url)
            assert response.status_code == 200, (role, name)
            assert planned.reference in text(response)
    client.force_login(world.outsider)
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 403, name
        assert "Du har ingen roll i den här fonden" in text(response)


def test_fund_list_for_fund_roles_only(world: Any, client: Any, planned: Any) -> None:
    url = reverse("followup:fund_measurements", args=[world.fund.pk])
    client.force_login(world.fund_admin)
    page = text(client.get(url))
    assert "Inskickade mätningar att granska" in page and "Inga mätningar väntar på granskning." in page
    client.force_login(world.applicant)
    response = client.get(url)
    assert response.status_code == 403 and "Fondens sida visas för dem som har en roll i fonden." in text(
        response
    )


# -- The plan -------------------------------------------------------------------------------


def test_plan_is_prefilled_from_the_application_draft(world: Any, client: Any, granted: Any) -> None:
    client.force_login(world.fund_admin)
    page = text(client.get(reverse("followup:plan", args=[granted.pk])))
    assert "Planen är inte sparad än" in page
    assert 'value="Andel med hög frånvaro"' in page  # the draft's indicator, in the form
    assert f'<option value="{WELFARE}">' in page  # the decided scenario's outcomes to choose from
    assert FollowUpPlan.objects.count() == 0  # showing the form wrote nothing


def _plan_post(**overrides: str) -> dict[str, str]:
    data = {
        "ind-TOTAL_FORMS": "1",
        "ind-INITIAL_FORMS": "0",
        "ind-0-name": "Andel unga vuxna med försörjningsstöd",
        "ind-0-kind": "proportion",
        "ind-0-direction": "decrease",
        "ind-0-has_comparison": "on",
        "ind-0-comparison_description": "Två jämförbara skolor.",
        "ind-0-outcome_name": WELFARE,
        "ind-0-sched-TOTAL_FORMS": "2",
        "ind-0-sched-INITIAL_FORMS": "0",
        "ind-0-sched-0-label": "2024",
        "ind-0-sched-0-period_start": "2024-01-01",
        "ind-0-sched-0-period_end": "2024-12-31",
        "ind-0-sched-0-is_baseline": "on",
        "ind-0-sched-0-due_date": "2025-02-28",
        "ind-0-sched-1-label": "2025",
        "ind-0-sched-1-period_start": "2025-01-01",
        "ind-0-sched-1-period_end": "2025-12-31",
        "ind-0-sched-1-due_date": "2026-02-28",
    }
    data.update(overrides)
    return data


def test_plan_saved_and_completed_through_the_form(world: Any, client: Any, granted: Any) -> None:
    client.force_login(world.fund_admin)
    url = reverse("followup:plan", args=[granted.pk])
    # The application's own indicator is not dropped silently: without a reason nothing is saved.
    response = client.post(url, {**_plan_post(), "action": "complete"})
    assert response.status_code == 400
    assert "Andel med hög frånvaro" in text(response) and "ta bort den med ett skäl" in text(response)
    reason = "Mäts i skolans ordinarie närvarostatistik."
    response = client.post(url, {**_plan_post(), "removed_reason": reason, "action": "complete"})
    assert response.status_code == 302
    plan = FollowUpPlan.objects.get(application=granted)
    assert plan.is_complete
    indicator = plan.indicators.get()
    assert indicator.has_comparison and indicator.outcome_name == WELFARE
    assert [s.label for s in indicator.schedule.order_by("period_start")] == ["2024", "2025"]
    page = text(client.get(url))
    assert "Fastställd" in page and "Uppföljningsplanen är redan fastställd." in page


def test_plan_errors_show_next_to_the_field_and_write_nothing(world: Any, client: Any, granted: Any) -> None:
    client.force_login(world.fund_admin)
    url = reverse("followup:plan", args=[granted.pk])
    before = snapshot()
    # No comparison description; the follow-up period ends before it starts; completion without a baseline.
    data = _plan_post(**{"ind-0-comparison_description": "", "ind-0-sched-1-period_end": "2024-06-30"})
    del data["ind-0-sched-0-is_baseline"]
    response = client.post(url, {**data, "action": "complete"})
    assert response.status_code == 400
    assert field_error(response, "id_ind-0-comparison_description") == "Beskriv hur jämförelsegruppen bildas."
    assert field_error(response, "id_ind-0-sched-1-period_end") == "Perioden kan inte sluta före den börjar."
    assert "Ange exakt en utgångsmätning (baslinje)." in text(response)
    assert "Formuläret innehåller fel. Inget har sparats." in text(response)
    assert snapshot() == before


def test_plan_form_only_for_admin_and_project_lead(world: Any, client: Any, granted: Any) -> None:
    client.force_login(world.auditor)
    url = reverse("followup:plan", args=[granted.pk])
    page = text(client.get(url))
    assert "Du kan inte ändra planen" in page and 'id="plan-form"' not in page
    response = client.post(url, {**_plan_post(), "action": "save"})
    assert response.status_code == 403
    assert "Endast fondförvaltaren och projektledaren ändrar planen." in text(response)
    # The project lead may edit but not complete.
    client.force_login(world.applicant)
    page = text(client.get(url))
    assert 'id="plan-form"' in page and "Endast fondförvaltaren fastställer uppföljningsplanen." in page


# -- Measurements ---------------------------------------------------------------------------


def _values(tn: int = 100, te: int = 20, cn: int = 100, ce: int = 28) -> dict[str, Any]:
    return {
        "intervention_n": str(tn),
        "intervention_events": str(te),
        "comparison_n": str(cn),
        "comparison_events": str(ce),
        "comment": "",
    }


def test_project_lead_reports_and_submits(world: Any, client: Any, planned: Any) -> None:
    period = slot(planned, PROPORTION, "2025")
    url = reverse("followup:period", args=[period.pk])
    client.force_login(world.applicant)
    page = text(client.get(url))
    assert "Insatsgruppen" in page and "Jämförelsegruppen" in page  # the indicator has a comparison group
    assert "raderna sparas inte" in page and "personnummer" in page  # the upload is explained
    response = client.post(url, {**_values(), "action": "save"})
    assert response.status_code == 302
    m = Measurement.objects.get(scheduled=period)
    assert m.status == MeasurementStatus.DRAFT and m.intervention_events == 20
    client.post(url, {**_values(), "action": "submit"})
    m.refresh_from_db()
    assert m.status == MeasurementStatus.SUBMITTED
    page = text(client.get(url))
    assert "Mätningen kan inte ändras i status ”Inskickad”." in page


def test_mean_indicator_without_comparison_shows_only_its_fields(
    world: Any, client: Any, planned: Any
) -> None:
    period = slot(planned, "Placeringsdygn per elev", "2025")
    client.force_login(world.applicant)
    page = text(client.get(reverse("followup:period", args=[period.pk])))
    assert 'name="intervention_mean"' in page and 'name="intervention_sd"' in page
    assert 'name="comparison_n"' not in page and 'name="intervention_events"' not in page


def test_impossible_counts_show_a_swedish_error_and_write_nothing(
    world: Any, client: Any, planned: Any
) -> None:
    period = slot(planned, PROPORTION, "2025")
    url = reverse("followup:period", args=[period.pk])
    client.force_login(world.applicant)
    before = snapshot()
    response = client.post(url, {**_values(te=120), "action": "submit"})
    assert response.status_code == 400
    assert field_error(response, "id_intervention_events") == (
        "Antalet händelser (120) kan inte vara fler än antalet i gruppen (100)."
    )
    response = client.post(url, {**_values(tn=-5), "action": "save"})
    assert field_error(response, "id_intervention_n") == "Antalet måste vara minst 1."
    response = client.post(url, {**_values(), "intervention_n": "många", "action": "save"})
    assert field_error(response, "id_intervention_n") == "Ange ett heltal."
    assert snapshot() == before


def test_upload_aggregates_and_refuses_personnummer(world: Any, client: Any, planned: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    period = slot(planned, PROPORTION, "2025")
    url = reverse("followup:period_upload", args=[period.pk])
    client.force_login(world.applicant)
    before = snapshot()
    bad = SimpleUploadedFile("data.csv", b"id,group,period,value\n19811218-9876,insats,2025,1\n")
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "personnummer" in field_error(response, "id_file")
    assert snapshot() == before
    rows = ["id,group,period,value"]
    rows += [f"a{i},insats,2025,{int(i < 3)}" for i in range(10)]
    rows += [f"b{i},jämförelse,2025,{int(i < 5)}" for i in range(10)]
    good = SimpleUploadedFile("data.csv", ("\n".join(rows) + "\n").encode())
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    m = Measurement.objects.get(scheduled=period)
    assert (m.intervention_n, m.intervention_events, m.comparison_n, m.comparison_events) == (10, 3, 10, 5)
    assert m.source == Measurement.Source.UPLOAD


def test_admin_approves_and_returns_with_reason(world: Any, client: Any, planned: Any) -> None:
    period = slot(planned, PROPORTION, "2025")
    m = actions.do_save_measurement(
        scheduled=period, values=proportions(100, 20, 100, 28), acting_user=world.applicant
    )
    m = actions.do_submit_measurement(measurement=m, acting_user=world.applicant)
    url = reverse("followup:review", args=[m.pk])
    # Not the project lead.
    client.force_login(world.applicant)
    response = client.post(url, {"action": "approve"})
    assert response.status_code == 403 and "Endast fondförvaltaren godkänner mätningar." in text(response)
    client.force_login(world.fund_admin)
    # From the fund's list: a return without a reason is refused next to the field, on the list.
    before = snapshot()
    response = client.post(url, {"action": "return", "from": "fund", "reason": ""})
    assert response.status_code == 400
    assert field_error(response, f"id_return_{m.pk}_reason") == "Ange varför mätningen skickas tillbaka."
    assert snapshot() == before
    list_url = reverse("followup:fund_measurements", args=[world.fund.pk])
    response = client.post(url, {"action": "return", "from": "fund", "reason": "Fel år.", "next": list_url})
    assert response.status_code == 302 and response["Location"] == list_url
    m.refresh_from_db()
    assert m.status == MeasurementStatus.RETURNED and m.return_reason == "Fel år."
    m = actions.do_submit_measurement(measurement=m, acting_user=world.applicant)
    page = text(client.get(list_url))
    assert f'id="submitted-{m.pk}"' in page
    response = client.post(url, {"action": "approve", "comment": ""})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == MeasurementStatus.APPROVED


# -- Evaluation and forecast against outcome ----------------------------------------------------


def test_evaluation_shows_did_and_the_cells(world: Any, client: Any, planned: Any) -> None:
    approve(world, planned, PROPORTION, "2024", proportions(100, 30, 100, 30))
    approve(world, planned, PROPORTION, "2025", proportions(100, 20, 100, 28))
    client.force_login(world.auditor)
    page = text(client.get(reverse("followup:evaluation", args=[planned.pk])))
    # DiD = (0.20 − 0.30) − (0.28 − 0.30) = −0.08; se = √(.0021 + .0021 + .0016 + .002016) = 0.0884
    assert "−8,0 procentenheter" in page and "8,8 procentenheter" in page
    # Relative change: 0.20 / (0.30 + (0.28 − 0.30)) − 1 = −28.6 %
    assert "−28,6\xa0%" in page
    assert "Skillnad i skillnader (DiD)" in page
    assert "Ingen godkänd utgångsmätning än." in page  # the mean indicator
    assert "Ej tillgängligt – Endast fondförvaltaren gör efterkalkyler." in page


def test_run_expost_then_forecast_against_outcome(world: Any, client: Any, planned: Any) -> None:
    approve(world, planned, PROPORTION, "2024", proportions(100, 30, 100, 30))
    approve(world, planned, PROPORTION, "2025", proportions(100, 20, 100, 28))
    client.force_login(world.fund_admin)
    page = text(client.get(reverse("followup:forecast", args=[planned.pk])))
    assert "Ingen efterkalkyl är gjord än." in page
    response = client.post(reverse("followup:run_expost", args=[planned.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "followup:forecast", args=[planned.pk]
    )
    page = text(client.get(response["Location"]))
    assert "Vad förklarar skillnaden?" in page and "Samverkan/rest" in page
    assert f"{WELFARE}: effekt" in page
    assert 'id="chart-spec-forecast"' in page
    assert "Vems vinst? Nettonuvärde per perspektiv" in page
    for key in ("municipality", "public_sector", "participants", "society"):
        assert f'id="perspective-{key}"' in page
    page = text(client.get(reverse("followup:evaluation", args=[planned.pk])))
    assert "Fastställ efterkalkyl 1" in page
    response = client.post(reverse("followup:adopt_expost", args=[planned.pk]))
    assert response.status_code == 302
    page = text(client.get(reverse("followup:evaluation", args=[planned.pk])))
    assert "Gällande efterkalkyl för återföringen: nummer 1" in page


# -- Overview: status reports, closing decision, evidence grade ------------------------------------


def test_status_report_closing_and_grade_forms(world: Any, client: Any, planned: Any) -> None:
    url = reverse("followup:overview", args=[planned.pk])
    client.force_login(world.applicant)
    page = text(client.get(url))
    assert 'id="report-form"' in page and 'id="closing-form"' not in page
    before = snapshot()
    response = client.post(
        reverse("followup:status_report", args=[planned.pk]), {"report-year": "2025", "report-narrative": ""}
    )
    assert response.status_code == 400
    assert field_error(response, "id_report-narrative") == "Beskriv läget i projektet."
    assert snapshot() == before
    response = client.post(
        reverse("followup:status_report", args=[planned.pk]),
        {"report-year": "2025", "report-narrative": "Allt enligt plan."},
    )
    assert response.status_code == 302
    assert "Lägesrapport 2025" in text(client.get(url))

    client.force_login(world.fund_admin)
    response = client.post(
        reverse("followup:closing_decision", args=[planned.pk]),
        {
            "closing-outcome": "ordinary_operations",
            "closing-rationale": "",
            "closing-decision_body": "KS",
            "closing-decided_on": "2026-10-01",
        },
    )
    assert field_error(response, "id_closing-rationale") == "Ange motiveringen."
    response = client.post(
        reverse("followup:closing_decision", args=[planned.pk]),
        {
            "closing-outcome": "ordinary_operations",
            "closing-rationale": "Effekten håller.",
            "closing-decision_body": "KS",
            "closing-decided_on": "2026-10-01",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("followup:evidence_grade", args=[planned.pk]), {"grade-grade": "4", "grade-rationale": "DiD."}
    )
    assert response.status_code == 302
    page = text(client.get(url))
    assert "Införs i ordinarie verksamhet" in page and "Starkt vetenskapligt underlag" in page
    assert "Slutbeslut" in page and "Evidensgrad" in page

    client.force_login(world.auditor)
    response = client.post(
        reverse("followup:evidence_grade", args=[planned.pk]), {"grade-grade": "1", "grade-rationale": "x"}
    )
    assert response.status_code == 403


def test_application_page_links_to_followup_when_granted(world: Any, client: Any, granted: Any) -> None:
    client.force_login(world.applicant)
    page = text(client.get(reverse("applications:detail", args=[granted.pk])))
    assert 'id="followup-links"' in page
    assert reverse("followup:overview", args=[granted.pk]) in page
    assert reverse("followup:index") in page  # the main menu's "Uppföljning"


def test_index_lists_the_users_funds_with_counts(world: Any, client: Any, planned: Any) -> None:
    period = slot(planned, PROPORTION, "2025")
    m = actions.do_save_measurement(
        scheduled=period, values=proportions(100, 20, 100, 28), acting_user=world.applicant
    )
    actions.do_submit_measurement(measurement=m, acting_user=world.applicant)
    client.force_login(world.fund_admin)
    page = text(client.get(reverse("followup:index")))
    assert world.fund.name in page and reverse("followup:fund_measurements", args=[world.fund.pk]) in page
    assert re.search(r'<td class="num">1</td>', page)  # one to approve
    client.force_login(world.outsider)
    assert "Du har ingen roll i någon fond." in text(client.get(reverse("followup:index")))


def test_pages_of_an_application_not_granted_say_why(world: Any, client: Any) -> None:
    from browser_builders import application_in

    app = application_in(world, "submitted")
    client.force_login(world.fund_admin)
    for name, url in pages(app).items():
        assert client.get(url).status_code == 200, name
    page = text(client.get(reverse("followup:plan", args=[app.pk])))
    assert "Uppföljning gäller beviljade ansökningar." in page
    page = text(client.get(reverse("followup:evaluation", args=[app.pk])))
    assert "Ej tillgängligt – Uppföljning gäller beviljade ansökningar." in page
    response = client.post(reverse("followup:run_expost", args=[app.pk]))
    assert response.status_code == 403


def test_only_the_reporter_reports(world: Any, client: Any, planned: Any) -> None:
    period = slot(planned, PROPORTION, "2025")
    client.force_login(world.auditor)
    url = reverse("followup:period", args=[period.pk])
    page = text(client.get(url))
    assert 'id="measurement-form"' not in page
    assert "Endast rapportören för perioden (annars projektledaren) rapporterar mätningen." in page
    before = snapshot()
    response = client.post(url, {**_values(), "action": "submit"})
    assert response.status_code == 403
    response = client.post(reverse("followup:period_upload", args=[period.pk]), {})
    assert response.status_code == 403
    assert snapshot() == before


def test_attachment_added_and_downloaded(world: Any, client: Any, planned: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    period = slot(planned, PROPORTION, "2025")
    client.force_login(world.applicant)
    url = reverse("followup:period_attachment", args=[period.pk])
    response = client.post(url, {"file": SimpleUploadedFile("underlag.txt", b"Sammanfattning.")})
    assert response.status_code == 400
    assert field_error(response, "id_file") == "Spara mätningen som utkast innan du lägger till bilagor."
    client.post(reverse("followup:period", args=[period.pk]), {**_values(), "action": "save"})
    response = client.post(url, {"file": SimpleUploadedFile("underlag.txt", b"Sammanfattning.")})
    assert response.status_code == 302
    attachment = Measurement.objects.get(scheduled=period).attachments.get()
    client.force_login(world.auditor)
    response = client.get(reverse("followup:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"Sammanfattning."
    client.force_login(world.outsider)
    assert client.get(reverse("followup:attachment", args=[attachment.pk])).status_code == 403


def test_pages_in_english(world: Any, client: Any, planned: Any, settings: Any) -> None:
    approve(world, planned, PROPORTION, "2024", proportions(100, 30, 100, 30))
    approve(world, planned, PROPORTION, "2025", proportions(100, 20, 100, 28))
    client.force_login(world.fund_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("sv"):  # the middleware activates English in this thread: not beyond the test
        page = text(client.get(reverse("followup:evaluation", args=[planned.pk])))
    assert "Difference in differences (DiD) against the comparison group" in page
    assert "−8.0 percentage points" in page  # numbers in the page's language
    assert "Run ex-post calculation" in page


def test_before_after_is_marked_as_weaker_evidence(world: Any, client: Any, planned: Any) -> None:
    mean = "Placeringsdygn per elev"
    approve(
        world, planned, mean, "2024", {"intervention_n": 40, "intervention_mean": 12, "intervention_sd": 4}
    )
    approve(
        world, planned, mean, "2025", {"intervention_n": 40, "intervention_mean": 10, "intervention_sd": 5}
    )
    client.force_login(world.auditor)
    page = text(client.get(reverse("followup:evaluation", args=[planned.pk])))
    assert "Före och efter, utan jämförelsegrupp – svagare evidens" in page
    assert 'class="warning weaker-evidence"' in page
    # Mean difference 10 − 12 = −2 dygn; se = √(16/40 + 25/40) = 1.01
    assert "−2,00 dygn" in page and "1,01 dygn" in page
    page = text(client.get(reverse("followup:overview", args=[planned.pk])))
    assert "Före och efter (svagare evidens)" in page


def test_fund_list_queries_do_not_grow_with_rows(world: Any, client: Any, planned: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def submit(indicator: str, label: str, values: dict[str, Any]) -> None:
        s = slot(planned, indicator, label)
        m = actions.do_save_measurement(scheduled=s, values=values, acting_user=world.applicant)
        actions.do_submit_measurement(measurement=m, acting_user=world.applicant)

    url = reverse("followup:fund_measurements", args=[world.fund.pk])
    client.force_login(world.fund_admin)
    submit(PROPORTION, "2024", proportions(100, 30, 100, 30))
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    submit(PROPORTION, "2025", proportions(100, 20, 100, 28))
    mean = {"intervention_n": 40, "intervention_mean": 12, "intervention_sd": 4}
    submit("Placeringsdygn per elev", "2024", mean)
    with CaptureQueriesContext(connection) as three:
        page = text(client.get(url))
    assert page.count('id="submitted-') == 3
    assert len(three) == len(one)


def test_every_page_renders_with_the_demo_data(client: Any) -> None:
    """The demo's granted investment (payments, an adopted ex-post, a status report) on every page."""
    from socialinvest.followup.models import ExPostCalculation
    from socialinvest.organisations.models import Membership, Role
    from socialinvest.web.demo import load_demo

    load_demo()
    expost = ExPostCalculation.objects.select_related("application__fund").first()
    assert expost is not None
    app = expost.application
    admin = Membership.objects.filter(role=Role.FUND_ADMIN, fund=app.fund).first().user
    for user in (admin, app.project_lead):
        client.force_login(user)
        for name, url in pages(app).items():
            response = client.get(url)
            assert response.status_code == 200, (user, name)
        for s in slot_all(app):
            assert client.get(reverse("followup:period", args=[s.pk])).status_code == 200
    client.force_login(admin)
    page = text(client.get(reverse("followup:forecast", args=[app.pk])))
    assert "Insatsens kostnader (odiskonterad summa)" in page  # actual payments differ from the budget
    assert client.get(reverse("followup:fund_measurements", args=[app.fund.pk])).status_code == 200


def slot_all(app: Any) -> list[Any]:
    from socialinvest.followup.models import ScheduledMeasurement

    return list(ScheduledMeasurement.objects.filter(indicator__plan__application=app))
