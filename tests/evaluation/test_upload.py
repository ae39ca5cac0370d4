"""Pseudonymised CSV upload: aggregates by hand and against numpy, every refusal, arbitrary bytes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialinvest.evaluation.did import MeanCell, ProportionCell, did_proportion
from socialinvest.evaluation.upload import (
    MAX_BYTES,
    MAX_ROWS,
    Aggregates,
    UploadError,
    aggregate_upload,
)

PROPORTION_CSV = """id,group,period,value
a1,intervention,2024,1
a2,intervention,2024,1
a3,intervention,2024,0
a4,intervention,2024,0
a1,intervention,2025,0
a2,intervention,2025,1
a3,intervention,2025,0
a4,intervention,2025,0
b1,comparison,2024,1
b2,comparison,2024,0
b1,comparison,2025,1
b2,comparison,2025,0
b3,comparison,2025,1
"""


def refused(data, kind="proportion"):
    with pytest.raises(UploadError) as info:
        aggregate_upload(data, kind=kind)
    return info.value.problems


def codes(data, kind="proportion"):
    return [p.code for p in refused(data, kind)]


# ---------------------------------------------------------------- aggregates


def test_proportions_by_hand():
    a = aggregate_upload(PROPORTION_CSV, kind="proportion")
    assert a.rows == 13 and a.kind == "proportion"
    assert a.periods == ("2024", "2025") and a.groups == ("intervention", "comparison")
    assert [(c.group, c.period, c.n, c.events) for c in a.cells] == [
        ("intervention", "2024", 4, 2),
        ("comparison", "2024", 2, 1),
        ("intervention", "2025", 4, 1),
        ("comparison", "2025", 3, 2),
    ]
    t24 = a.cell("intervention", "2024")
    assert t24 is not None and t24.mean == 0.5
    assert t24.sd == pytest.approx(np.sqrt(1 / 3), rel=1e-12)  # four values 1,1,0,0: ss 1, n - 1 = 3
    assert a.cell("comparison", "2026") is None
    assert not hasattr(a, "values") and "a1" not in repr(a)  # the rows are not kept


def test_aggregates_feed_the_estimators():
    a = aggregate_upload(PROPORTION_CSV, kind="proportion")
    e = did_proportion(
        treated_before=a.cell("intervention", "2024").proportion_cell(),
        treated_after=a.cell("intervention", "2025").proportion_cell(),
        comparison_before=a.cell("comparison", "2024").proportion_cell(),
        comparison_after=a.cell("comparison", "2025").proportion_cell(),
    )
    assert e.estimate == pytest.approx((0.25 - 0.5) - (2 / 3 - 0.5), rel=1e-12)
    assert a.cell("intervention", "2024").proportion_cell() == ProportionCell(4, 2)


def test_semicolon_bom_swedish_groups_and_decimal_comma():
    text = "\ufeffID;Grupp;Period;Value\r\n".replace("Grupp", "group")
    text += "x1;Insats;före;3,5\r\nx2;insats;före;4,5\r\ny1;JÄMFÖRELSE;före;−1\r\ny2;jamforelse;före;1\r\n"
    a = aggregate_upload(text.encode("utf-8"), kind="mean")
    t, c = a.cell("intervention", "före"), a.cell("comparison", "före")
    assert (t.n, t.mean, t.sd, t.events) == (2, 4.0, pytest.approx(np.sqrt(0.5)), None)
    assert (c.n, c.mean) == (2, 0.0)
    assert t.mean_cell() == MeanCell(2, 4.0, pytest.approx(np.sqrt(0.5)))


def test_columns_in_any_order_and_blank_lines_skipped():
    a = aggregate_upload("value,period,group,id\n\n2,p,intervention,1\n\n4,p,intervention,2\n", kind="count")
    cell = a.cell("intervention", "p")
    assert (cell.n, cell.mean, cell.sd) == (2, 3.0, pytest.approx(np.sqrt(2)))
    assert a.groups == ("intervention",)  # one group only: before/after, no pairing required


def test_a_single_observation_has_no_sd():
    a = aggregate_upload("id,group,period,value\n1,insats,1,7\n", kind="amount")
    cell = a.cell("intervention", "1")
    assert cell.sd is None and cell.mean_cell() == MeanCell(1, 7.0, 0.0)


def test_to_dict_is_plain_data():
    import json

    data = json.loads(json.dumps(aggregate_upload(PROPORTION_CSV, kind="proportion").to_dict()))
    assert data["cells"][0] == {
        "group": "intervention",
        "period": "2024",
        "n": 4,
        "events": 2,
        "mean": 0.5,
        "sd": pytest.approx(np.sqrt(1 / 3)),
    }


ROW = st.tuples(
    st.sampled_from(["intervention", "comparison"]),
    st.sampled_from(["2024", "2025", "2026"]),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 3)),
)


@given(st.lists(ROW, min_size=1, max_size=60), st.sampled_from([",", ";"]))
def test_aggregates_equal_numpy(rows, sep):
    lines = ["id" + sep + "group" + sep + "period" + sep + "value"]
    lines += [f"p{i}{sep}{g}{sep}{period}{sep}{v!r}" for i, (g, period, v) in enumerate(rows)]
    groups = {g for g, _, _ in rows}
    periods = {p for _, p, _ in rows}
    complete = len(groups) < 2 or all((g, p) in {(r[0], r[1]) for r in rows} for g in groups for p in periods)
    if not complete:
        assert "missing_comparison" in codes("\n".join(lines), "amount") or "missing_intervention" in codes(
            "\n".join(lines), "amount"
        )
        return
    a = aggregate_upload("\n".join(lines), kind="amount")
    assert a.rows == len(rows)
    for cell in a.cells:
        x = np.array([v for g, p, v in rows if g == cell.group and p == cell.period])
        assert cell.n == x.size
        assert cell.mean == pytest.approx(np.mean(x), rel=1e-12, abs=1e-9)
        if x.size >= 2:
            assert cell.sd == pytest.approx(np.std(x, ddof=1), rel=1e-9, abs=1e-6)
        else:
            assert cell.sd is None


@given(st.binary(max_size=2000))
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_arbitrary_bytes_never_crash(data):
    for kind in ("proportion", "mean", "count", "amount"):
        try:
            result = aggregate_upload(data, kind=kind)
        except UploadError as error:
            assert error.problems and all(p.message for p in error.problems)
        else:
            assert isinstance(result, Aggregates)


@given(st.text(max_size=500))
def test_arbitrary_text_never_crashes(text):
    for candidate in (text, "id,group,period,value\n" + text, "id;group;period;value\n" + text):
        try:
            aggregate_upload(candidate, kind="mean")
        except UploadError as error:
            assert error.problems


# ---------------------------------------------------------------- refusals


def test_empty_and_header_only():
    assert codes("") == ["empty"]
    assert codes(b"  \n\n") == ["empty"]
    assert codes("id,group,period,value\n") == ["no_rows"]


def test_not_utf8_names_the_line():
    problems = refused(
        "id,group,period,value\n1,insats,2025,1\n2,j\xe4mf\xf6relse,2025,0\n".encode("latin-1")
    )
    assert [(p.code, p.line) for p in problems] == [("not_utf8", 3)]


def test_missing_and_extra_columns():
    problems = refused("id,group,value,name\n1,insats,1,Kalle\n")
    assert [(p.code, p.line) for p in problems] == [("missing_columns", 1), ("extra_columns", 1)]
    assert "period" in problems[0].message and "name" in problems[1].message
    assert codes("id,group,period,value,id\n") == ["duplicate_columns"]


def test_row_problems_each_with_line_and_column():
    text = (
        "id,group,period,value\n"
        "1,insats,2025,1\n"  # 2 ok
        "2,kontroll,2025,1\n"  # 3 unknown group
        "3,insats,2025,ja\n"  # 4 not a number
        "1,insats,2025,0\n"  # 5 duplicate id
        "4,insats,2025,2\n"  # 6 not 0/1
        "5,insats,2025\n"  # 7 wrong field count
        ",insats,2025,1\n"  # 8 empty id
        "6,jämförelse,2025,nan\n"  # 9 not finite
    )
    problems = refused(text)
    assert [(p.line, p.column, p.code) for p in problems] == [
        (3, "group", "unknown_group"),
        (4, "value", "not_a_number"),
        (5, "id", "duplicate_id"),
        (6, "value", "not_binary"),
        (7, None, "field_count"),
        (8, "id", "empty_field"),
        (9, "value", "not_a_number"),
    ]
    assert (
        str(problems[0])
        == "line 3, group: unknown group 'kontroll'; use intervention/insats or comparison/jämförelse"
    )


def test_same_id_in_another_period_or_group_is_fine():
    a = aggregate_upload("id,group,period,value\n1,insats,1,1\n1,insats,2,0\n", kind="proportion")
    assert [c.n for c in a.cells] == [1, 1]


def test_count_values_must_be_whole_and_not_negative():
    problems = refused(
        "id,group,period,value\n1,insats,1,1.5\n2,insats,1,-1\n3,insats,1,1e13\n", kind="count"
    )
    assert [p.code for p in problems] == ["not_count", "not_count", "too_large_value"]


def test_unpaired_periods_when_both_groups_occur():
    text = (
        "id,group,period,value\n1,insats,2024,1\n2,jämförelse,2024,0\n3,insats,2025,1\n4,jämförelse,2026,1\n"
    )
    problems = refused(text)
    assert [(p.code, p.column) for p in problems] == [
        ("missing_comparison", "period"),
        ("missing_intervention", "period"),
    ]
    assert "2025" in problems[0].message and "2026" in problems[1].message


@pytest.mark.parametrize(
    "row",
    [
        "19811218-9876,insats,2025,1",
        "811218-9876,insats,2025,1",
        "x1,insats,2025,198112189876",
        "x1,insats,811218 9876,1",
        "x1,811278-9873 insats,2025,1",  # samordningsnummer (day + 60)
    ],
)
def test_anything_like_a_personnummer_is_refused_without_echoing_it(row):
    problems = refused(f"id,group,period,value\n{row}\n")
    assert [p.code for p in problems] == ["personnummer"]
    assert problems[0].line == 2
    assert "9876" not in str(problems[0]) and "9873" not in str(problems[0])


def test_a_personnummer_in_the_header_is_refused():
    assert codes("id,group,period,19811218-9876\n1,insats,1,1\n") == ["personnummer"]


def test_a_number_failing_the_check_digit_passes():
    a = aggregate_upload("id,group,period,value\n811218-9875,insats,2025,1\n", kind="proportion")
    assert a.rows == 1


def test_too_large_and_too_many_rows():
    assert codes(b"x" * (MAX_BYTES + 1)) == ["too_large"]
    assert codes("x" * (MAX_BYTES + 1)) == ["too_large"]
    body = "".join(f"{i},insats,1,1\n" for i in range(MAX_ROWS + 1))
    problems = refused("id,group,period,value\n" + body)
    assert [(p.code, p.line) for p in problems] == [("too_many_rows", MAX_ROWS + 2)]


def test_problems_are_capped():
    body = "".join(f"{i},insats,1,x\n" for i in range(120))
    problems = refused("id,group,period,value\n" + body)
    assert len(problems) == 51 and problems[-1].code == "more" and "70 more" in problems[-1].message


def test_malformed_csv_and_nul():
    assert [(p.code, p.line) for p in refused('id,group,period,value\n1,insats,1,"1\n')] == [("malformed", 2)]
    assert codes('id,group,period,value\n1,insats,1,"1"x\n') == ["malformed"]
    assert codes(b"id,group,period,value\n1,insats\x00,1,1\n") == ["malformed"]


def test_unknown_kind():
    assert codes(PROPORTION_CSV, kind="median") == ["kind"]
