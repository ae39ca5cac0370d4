"""The calculation section through its pages: editor, live preview, save, versions, compare,
downloads, upload and permissions.  Every number on the pages comes from the engine."""

from __future__ import annotations

import html as html_module
import io
import re
from pathlib import Path

import openpyxl
import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from socialinvest.applications import actions
from socialinvest.applications import scenario_form as sf
from socialinvest.applications.models import CalculationVersion
from socialinvest.applications.views import calculation_versions
from socialinvest.engine import load_scenario, parse_scenario, parse_text

EXAMPLE = Path(__file__).parents[2] / "examples" / "worked-example.yaml"
HTMX = {"HTTP_HX_REQUEST": "true"}


def example_post(**changes: str) -> dict[str, str]:
    """The worked example as the form posts it, built through the form-field mapping."""
    data = parse_text(EXAMPLE.read_text(encoding="utf-8"))
    fields = sf.to_fields(data)
    fields.update(changes)
    return fields


@pytest.fixture
def app(world):
    return actions.do_create_application(
        fund=world.fund,
        title="Alla barn i skolan",
        lead_unit=world.school,
        co_units=[world.social],
        acting_user=world.applicant,
    )


def url(name: str, app, *args) -> str:
    return reverse(f"applications:{name}", args=[app.pk, *args])


def text(response) -> str:
    return response.content.decode("utf-8")


def slot(html: str, field: str) -> str:
    """The text of the error place next to ``field``."""
    m = re.search(rf'<p class="field-error" id="err-{re.escape(field)}"[^>]*>(.*?)</p>', html, re.S)
    assert m, f"no error place for {field}"
    return html_module.unescape(m.group(1).strip())


# ---------------------------------------------------------------- editor and live preview


@pytest.mark.django_db
def test_preview_shows_the_engines_numbers_for_the_worked_example(world, app, client):
    client.force_login(world.applicant)
    response = client.post(url("calculation_preview", app), example_post(), **HTMX)
    assert response.status_code == 200
    html = text(response)
    assert "2\xa0768\xa0722\xa0kr" in html  # npv
    assert "2,59" in html  # bcr
    assert "år 2 (2027)" in html  # payback year
    assert "4,1" in html  # break-even cases 4.08
    # Who gains, by actor and level.
    assert re.search(r'Socialnämnden</th>\s*<td class="num">0</td><td class="num">3\xa0712\xa0377</td>', html)
    assert "−1\xa0737\xa0681" in html and "794\xa0026" in html
    assert "Kommunen" in html and "Staten" in html
    # The chart's data and its table alternative, the live status out of band.
    assert 'id="chart-spec-flows"' in html and 'aria-describedby="flows-table-caption"' in html
    assert 'id="calc-status" hx-swap-oob="innerHTML"' in html
    assert "nettonuvärde 2\xa0768\xa0722\xa0kr" in html
    assert 'class="field-error"' not in html  # no problems to show


@pytest.mark.django_db
def test_preview_shows_each_perspective_and_transfers_set_in_the_form(world, app, client):
    """docs/worked-example.md, part 2: the welfare lines as transfers to the individual."""
    client.force_login(world.applicant)
    post = example_post(
        **{
            "cost_items-0-cost-0-transfer_to": "individ",
            "cost_items-0-cost-1-transfer_to": "individ",
            "public_funds_factor": "1,3",
        }
    )
    html = text(client.post(url("calculation_preview", app), post, **HTMX))
    table = html[html.index('id="perspectives"') :]
    for key, npv in [
        ("municipality", "1\xa0974\xa0696"),
        ("public_sector", "2\xa0768\xa0722"),
        ("participants", "−2\xa0382\xa0077"),
        ("society", "386\xa0645"),
        ("society_public_funds", "1\xa0217\xa0261"),
    ]:
        row = table[table.index(f'id="perspective-{key}"') :]
        row = row[: row.index("</tr>")]
        assert f">{npv}</td>" in row, (key, row)
    assert "386\xa0645\xa0kr" in html  # the key figure is society's
    assert "Nettonuvärde (NPV), samhället" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headline", "shown"), [("municipality", "1\xa0974\xa0696"), ("society", "2\xa0768\xa0722")]
)
def test_key_figures_lead_with_the_funds_headline_perspective_and_show_society_beside(
    world, app, client, headline, shown
):
    from socialinvest.ledger.actions import do_set_headline_perspective

    do_set_headline_perspective(fund=world.fund, perspective=headline, acting_user=world.fund_admin)
    client.force_login(world.applicant)
    html = text(client.post(url("calculation_preview", app), example_post(), **HTMX))
    assert re.search(rf'id="kpi-npv">{shown}\xa0kr<', html)
    if headline == "society":
        assert 'id="kpi-npv-society"' not in html
    else:
        assert "Nettonuvärde (NPV), kommunen" in html
        assert re.search(r'id="kpi-npv-society">2\xa0768\xa0722\xa0kr<', html)
    row = html[html.index(f'id="perspective-{headline}"') :]
    assert "fondens huvudperspektiv" in row[: row.index("</tr>")]


def test_form_keeps_transfers_and_the_public_funds_factor() -> None:
    data = parse_text((EXAMPLE.parent / "worked-example-transfers.yaml").read_text(encoding="utf-8"))
    back = sf.to_scenario(sf.to_fields(data))
    assert back["version"] == 2 and back["public_funds_factor"] == 1.3
    assert back["cost_items"][0]["transfer_to"] == {
        "kommun.socialtjanst": "individ",
        "stat.forsakringskassan": "individ",
    }
    assert parse_scenario(back).cost_items[0].transfers() == parse_scenario(data).cost_items[0].transfers()


@pytest.mark.django_db
def test_preview_with_monte_carlo_shows_probability_and_interval(world, app, client):
    client.force_login(world.applicant)
    html = text(client.post(url("calculation_preview", app), example_post(draws="2000"), **HTMX))
    assert "Monte Carlo med 2\xa0000 dragningar" in html
    assert re.search(r'id="kpi-probability">\d+,\d\xa0%<', html)
    assert re.search(r'id="kpi-interval">−?[\d\xa0]+\xa0kr till −?[\d\xa0]+\xa0kr<', html)
    assert "NPV vid olika kalkylräntor" in html and "3,5\xa0%" in html


@pytest.mark.django_db
def test_bad_field_gets_the_swedish_message_next_to_it(world, app, client):
    client.force_login(world.applicant)
    post = example_post(**{"outcomes-0-baseline_risk": "1,4"})
    html = text(client.post(url("calculation_preview", app), post, **HTMX))
    assert slot(html, "outcomes-0-baseline_risk") == "måste vara mellan 0 och 1, men är 1,4"
    assert 'id="err-outcomes-0-baseline_risk" hx-swap-oob="true"' in html
    assert "2\xa0768\xa0722\xa0kr" not in html and "Kalkylen har 1 fel" in html
    # Without JavaScript ("Räkna om"): the whole page, the field marked invalid and described by its error.
    html = text(client.post(url("calculation", app), {**post, "recalculate": "1"}))
    assert slot(html, "outcomes-0-baseline_risk") == "måste vara mellan 0 och 1, men är 1,4"
    field = re.search(r'<input[^>]*name="outcomes-0-baseline_risk"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field and "err-outcomes-0-baseline_risk" in field


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"costs-0-actor": "kommun.socialtjänst"},
            "costs-0-actor",
            "okänd aktör 'kommun.socialtjänst'; menade du",
        ),
        (
            {"costs-1-year": "9"},
            "costs-1-year",
            "måste vara ett år mellan 0 och 7 (tidshorisonten är 8 år), men är 9",
        ),
        ({"costs-1-amount-mode": "2000000"}, "costs-1-amount", "kräver lägsta ≤ troligaste ≤ högsta värde"),
        (
            {
                "outcomes-1-effect-dist": "beta",
                "outcomes-1-effect-mean": "0,5",
                "outcomes-1-effect-sd": "0,6",
            },
            "outcomes-1-effect",
            "standardavvikelsen är för stor för en betafördelning med medelvärdet 0,5",
        ),
        (
            {
                "outcomes-1-effect-dist": "normal",
                "outcomes-1-effect-mean": "0,2",
                "outcomes-1-effect-sd": "-1",
            },
            "outcomes-1-effect-sd",
            "måste vara minst 0, men är −1",
        ),
        (
            {"outcomes-0-effect": "abc"},
            "outcomes-0-effect",
            "måste vara ett tal eller en fördelning, men är 'abc'",
        ),
        ({"horizon": "0"}, "horizon", "måste vara minst 1, men är 0"),
        ({"discount_rate-steps-0-rate": "2"}, "discount_rate-steps-0-rate", "får vara högst 1, men är 2"),
        ({"outcomes-0-cost_item": "welfare"}, "outcomes-0-cost_item", "okänd kostnadspost 'welfare'"),
        ({"price_index-0-value": "0"}, "price_index-0-value", "måste vara större än 0, men är 0"),
        ({"cost_items-0-cost-1-actor": "stat.fk"}, "cost_items-0-cost-1-actor", "okänd aktör 'stat.fk'"),
        ({"outcomes-0-name": "Elev 19811218-9876"}, "outcomes-0-name", "personnummer"),
    ],
)
def test_each_problem_lands_on_its_field(world, app, client, changes, field, message):
    client.force_login(world.applicant)
    html = text(client.post(url("calculation_preview", app), example_post(**changes), **HTMX))
    assert message in slot(html, field)


@pytest.mark.django_db
def test_preview_without_the_unused_parameters(world, app, client):
    """calculation.js leaves out the parameters the chosen distributions do not read."""
    client.force_login(world.applicant)
    post = {k: v for k, v in example_post().items() if v != "" or k.endswith("-dist")}
    assert "outcomes-1-effect" not in post  # uniform: no fixed value
    post["outcomes-1-effect-high"] = "1,5"
    html = text(client.post(url("calculation_preview", app), post, **HTMX))
    assert slot(html, "outcomes-1-effect") == "får vara högst 1, men högsta värdet är 1,5"


@pytest.mark.django_db
def test_editor_opens_with_a_starter_scenario_named_after_the_application(world, app, client):
    client.force_login(world.applicant)
    html = text(client.get(url("calculation", app)))
    assert 'name="name" value="Alla barn i skolan"' in html
    assert 'name="horizon" value="20"' in html and 'name="draws" value="10000"' in html
    assert "startförslag" in html
    assert 'hx-post="' + url("calculation_preview", app) + '"' in html
    assert 'hx-trigger="change delay:300ms"' in html
    assert 'aria-live="polite"' in html
    assert "Nettonuvärde (NPV)" in html  # the starter scenario is valid and calculated
    # The cost-item panel next to the picker: unit cost, price year, source, status, confidence.
    assert "Värmdö" in html and "Härledd" in html and "3 av 5" in html
    # The organisation's units are offered as actors.
    assert "Region Exempel (region.halso_sjukvard)" in html


@pytest.mark.django_db
def test_rows_are_added_and_removed_without_javascript_and_with_htmx(world, app, client):
    client.force_login(world.applicant)
    html = text(client.post(url("calculation", app), {**example_post(), "add_row": "outcomes"}))
    assert 'name="outcomes-2-name"' in html and 'name="outcomes-2-lag" value="0"' in html
    html = text(client.post(url("calculation", app), {**example_post(), "remove_row": "costs-0"}))
    assert 'name="costs-1-actor"' not in html
    assert re.search(r'name="costs-0-amount-dist"[^>]*>.*?<option value="triangular" selected', html, re.S)
    response = client.post(url("calculation", app), {**example_post(), "add_row": "participants"}, **HTMX)
    html = text(response)
    assert html.lstrip().startswith('<form id="calc-form"')
    assert 'name="participants-2-year" value="2"' in html
    assert '"calc-focus": "f-participants-2-year"' in response["HX-Trigger"]
    assert 'id="calc-results" hx-swap-oob="innerHTML"' in html
    nested = text(
        client.post(url("calculation", app), {**example_post(), "add_row": "cost_items-1-cost"}, **HTMX)
    )
    assert 'name="cost_items-1-cost-1-actor"' in nested


# ---------------------------------------------------------------- save, versions, compare


@pytest.mark.django_db
def test_save_creates_numbered_versions_with_the_input_hash(world, app, client):
    client.force_login(world.applicant)
    response = client.post(url("calculation_save", app), {**example_post(), "note": "Första"})
    assert response.status_code == 302 and response["Location"].endswith("?version=1")
    second = example_post(**{"outcomes-0-baseline_risk": "0,35"})
    client.post(url("calculation_save", app), {**second, "note": "Högre risk"})
    v1, v2 = CalculationVersion.objects.filter(application=app).order_by("number")
    assert (v1.number, v2.number) == (1, 2)
    assert v1.input_sha256 == load_scenario(EXAMPLE).input_sha256()
    assert v2.input_sha256 == parse_scenario(sf.to_scenario(second)).input_sha256()
    assert v1.input_sha256 != v2.input_sha256
    assert v1.npv == pytest.approx(2_768_722, abs=1) and v1.note == "Första"
    assert v1.created_by == world.applicant
    html = text(client.get(url("calculation_versions", app)))
    assert v1.input_sha256[:12] in html and v2.input_sha256[:12] in html
    assert "2\xa0768\xa0722\xa0kr" in html and "Högre risk" in html and v1.engine_version in html
    # Reopening a version fills the editor with its inputs and shows its stored result.
    html = text(client.get(url("calculation", app) + "?version=1"))
    assert 'name="outcomes-0-baseline_risk" value="0,3"' in html and "Resultat för sparad version 1" in html
    assert client.get(url("calculation", app) + "?version=9").status_code == 404


@pytest.mark.django_db
def test_save_refuses_invalid_input_and_saves_nothing(world, app, client):
    client.force_login(world.applicant)
    post = example_post(**{"outcomes-0-baseline_risk": "1,4"})
    response = client.post(url("calculation_save", app), {**post, "note": "x"})
    assert response.status_code == 400
    assert "Kalkylen är inte sparad" in text(response)
    assert slot(text(response), "outcomes-0-baseline_risk").startswith("måste vara mellan 0 och 1")
    response = client.post(url("calculation_save", app), {**example_post(), "note": "Elev 19811218-9876"})
    assert response.status_code == 400 and "personnummer" in slot(text(response), "note")
    assert not CalculationVersion.objects.filter(application=app).exists()


@pytest.mark.django_db
def test_compare_lists_key_results_and_the_changed_inputs(world, app, client):
    client.force_login(world.applicant)
    client.post(url("calculation_save", app), example_post())
    client.post(url("calculation_save", app), example_post(**{"outcomes-0-baseline_risk": "0,35"}))
    client.post(url("calculation_save", app), example_post(**{"horizon": "10"}))
    response = client.get(url("calculation_compare", app) + "?a=1&b=3")
    html = text(response)
    assert response.status_code == 200
    assert "<code>horizon</code>" in html and "<td>8</td><td>10</td>" in html
    assert "outcomes[0].baseline_risk" not in html  # same in 1 and 3
    html = text(client.get(url("calculation_compare", app) + "?a=1&b=2"))
    assert "<code>outcomes[0].baseline_risk</code></th><td>0,3</td><td>0,35</td>" in html
    assert "2\xa0768\xa0722\xa0kr" in html and "Försäkringskassan" in html
    assert client.get(url("calculation_compare", app)).status_code == 302  # the latest two


# ---------------------------------------------------------------- downloads and upload


@pytest.mark.django_db
def test_downloads_give_the_scenario_and_a_workbook(world, app, client):
    actions.do_save_calculation(application=app, scenario=load_scenario(EXAMPLE), acting_user=world.applicant)
    version = app.latest_calculation()
    client.force_login(world.auditor)  # read access is enough
    response = client.get(url("calculation_scenario", app, 1))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    again = parse_scenario(yaml.safe_load(response.content.decode("utf-8")))
    assert again.input_sha256() == version.input_sha256
    response = client.get(url("calculation_workbook", app, 1))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "Sammanfattning" in book.sheetnames
    assert client.get(url("calculation_scenario", app, 2)).status_code == 404


@pytest.mark.django_db
def test_upload_fills_the_editor_and_saves_nothing(world, app, client):
    client.force_login(world.applicant)
    upload = SimpleUploadedFile("kalkyl.yaml", EXAMPLE.read_bytes(), content_type="application/yaml")
    response = client.post(url("calculation_upload", app), {"file": upload})
    html = text(response)
    assert response.status_code == 200
    assert 'name="name" value="Worked example"' in html and 'name="cost_items-1-id" value="placement"' in html
    assert "Inget är sparat" in html and "2\xa0768\xa0722\xa0kr" in html
    assert not CalculationVersion.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kalkyl.yaml", b"name: [unclosed", "ogiltig YAML på rad"),
        ("kalkyl.json", b'{"name": "x",}', "ogiltig JSON på rad 1"),
        ("kalkyl.yaml", b"name: Elev 19811218-9876\nprice_year: 2024\n", "personnummer"),
        ("kalkyl.yaml", b"\xff\xfe\x00n", "inte UTF-8-text"),
        ("kalkyl.txt", b"name: x", "YAML- eller JSON-format"),
        ("kalkyl.yaml", b"x" * (1024 * 1024 + 1), "för stor"),
        (
            "kalkyl.yaml",
            b"- 1\n- 2\n",
            "ett scenario måste vara en tabell med nycklar och värden, men filen är en lista",
        ),
    ],
)
def test_upload_refuses_bad_files_in_swedish(world, app, client, name, content, message):
    client.force_login(world.applicant)
    response = client.post(url("calculation_upload", app), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in text(response)
    assert not CalculationVersion.objects.exists()


@pytest.mark.django_db
def test_upload_with_problems_fills_what_it_can_and_lists_them(world, app, client):
    client.force_login(world.applicant)
    raw = EXAMPLE.read_text(encoding="utf-8").replace("baseline_risk: 0.3", "baseline_risk: 1.4")
    response = client.post(
        url("calculation_upload", app), {"file": SimpleUploadedFile("k.yaml", raw.encode())}
    )
    html = text(response)
    assert "outcomes[0].baseline_risk: måste vara mellan 0 och 1, men är 1,4" in html
    assert 'name="outcomes-0-baseline_risk" value="1,4"' in html
    assert slot(html, "outcomes-0-baseline_risk") == "måste vara mellan 0 och 1, men är 1,4"


# ---------------------------------------------------------------- permissions and the summary


@pytest.mark.django_db
def test_outsider_is_refused_everywhere(world, app, client):
    actions.do_save_calculation(application=app, scenario=load_scenario(EXAMPLE), acting_user=world.applicant)
    client.force_login(world.outsider)
    for name, args in [
        ("calculation", ()),
        ("calculation_versions", ()),
        ("calculation_scenario", (1,)),
        ("calculation_workbook", (1,)),
    ]:
        assert client.get(url(name, app, *args)).status_code == 403, name
    assert client.get(url("calculation_compare", app) + "?a=1&b=1").status_code == 403
    for name in ("calculation_preview", "calculation_save", "calculation"):
        assert client.post(url(name, app), example_post()).status_code == 403, name
    assert not CalculationVersion.objects.filter(number=2).exists()


@pytest.mark.django_db
def test_auditor_can_view_but_not_save(world, app, client):
    actions.do_save_calculation(application=app, scenario=load_scenario(EXAMPLE), acting_user=world.applicant)
    client.force_login(world.auditor)
    html = text(client.get(url("calculation", app)))
    assert "Spara kalkylen</button>" not in html and "Du kan inte spara kalkylen" in html
    assert client.post(url("calculation_preview", app), example_post(), **HTMX).status_code == 200
    assert client.post(url("calculation_save", app), example_post()).status_code == 403
    assert client.get(url("calculation_versions", app)).status_code == 200
    assert CalculationVersion.objects.filter(application=app).count() == 1


@pytest.mark.django_db
def test_summary_uses_the_stored_result_without_running_the_engine(world, app, rf, monkeypatch):
    from django.template.loader import render_to_string

    actions.do_save_calculation(application=app, scenario=load_scenario(EXAMPLE), acting_user=world.applicant)

    def no_engine(*args, **kwargs):
        raise AssertionError("the summary must not run the engine")

    import sys

    monkeypatch.setattr(sys.modules["socialinvest.engine.calculate"], "run", no_engine)
    monkeypatch.setattr(sys.modules["socialinvest.engine.calculate"], "base_case", no_engine)
    monkeypatch.setattr("socialinvest.engine.run", no_engine)
    html = render_to_string("applications/calculation/_summary.html", {"application": app})
    assert "2\xa0768\xa0722\xa0kr" in html and "2,59" in html and "Socialnämnden" in html
    assert url("calculation_workbook", app, 1) in html and url("calculation_versions", app) in html
    empty = actions.do_create_application(
        fund=world.fund, title="Tom", lead_unit=world.school, acting_user=world.applicant
    )
    assert "Ingen kalkyl är sparad" in render_to_string(
        "applications/calculation/_summary.html", {"application": empty}
    )


# ---------------------------------------------------------------- the chart library


@pytest.mark.django_db
def test_vega_bundle_is_served_with_long_cache_headers(world, client, monkeypatch):
    monkeypatch.setattr(calculation_versions, "vega_bundle", lambda: (b"window.vegaEmbed=1;", b"gz"))
    client.force_login(world.applicant)
    current = calculation_versions.bundle_version()
    response = client.get(reverse("applications:vega_bundle", args=[current]))
    assert response.status_code == 200 and response.content == b"window.vegaEmbed=1;"
    assert "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
    assert response["Content-Type"].startswith("text/javascript")
    gz = client.get(reverse("applications:vega_bundle", args=[current]), HTTP_ACCEPT_ENCODING="gzip")
    assert gz["Content-Encoding"] == "gzip"
    assert client.get(reverse("applications:vega_bundle", args=["old"])).status_code == 302


@pytest.mark.slow
def test_vega_bundle_defines_vega_embed_and_is_kept_on_disk(settings, tmp_path):
    from socialinvest.core.charts import bundle_version, vega_bundle

    settings.VAR_DIR = tmp_path
    raw, compressed = vega_bundle.__wrapped__()  # not the process's cached copy
    assert b"window.vegaEmbed" in raw and len(compressed) < len(raw)
    assert (tmp_path / "cache" / f"vega-bundle-{bundle_version()}.js").read_bytes() == raw
    assert vega_bundle.__wrapped__() == (raw, compressed)  # read back from disk
