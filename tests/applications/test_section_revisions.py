"""Each section's texts keep their versions, and any two can be compared word by word."""

from __future__ import annotations

import pytest
from django.urls import reverse

from socialinvest.applications import actions
from socialinvest.applications.models import SectionRevision
from socialinvest.applications.views.revisions import word_diff


def test_word_diff_marks_removed_and_added_words():
    assert word_diff("Elever i årskurs 4", "Elever i årskurs 4–6 i Norrby") == [
        ("same", "Elever i årskurs "),
        ("del", "4"),
        ("ins", "4–6 i Norrby"),
    ]
    assert word_diff("", "Ny text") == [("ins", "Ny text")]
    assert word_diff("Samma", "Samma") == [("same", "Samma")]


@pytest.mark.django_db
def test_every_change_of_a_text_is_a_numbered_version_and_the_page_compares_two(world, idea_app, client):
    w = world
    # The fixture wrote summary "Idé" and target group "Elever" (versions 1).
    actions.do_update_application(
        application=idea_app, changes={"target_group": "Elever i årskurs 4"}, acting_user=w.applicant
    )
    actions.do_update_application(
        application=idea_app,
        changes={"target_group": "Elever i årskurs 4–6 i Norrby", "requested_amount": 100},
        acting_user=w.co_applicant,
    )
    texts = list(
        SectionRevision.objects.filter(application=idea_app, field="target_group").values_list(
            "number", "text"
        )
    )
    assert texts == [(1, "Elever"), (2, "Elever i årskurs 4"), (3, "Elever i årskurs 4–6 i Norrby")]
    assert not SectionRevision.objects.filter(field="requested_amount").exists()  # amounts: the audit trail
    client.force_login(w.fund_admin)
    url = reverse("applications:section_versions", args=[idea_app.pk, "need"])
    page = client.get(url).content.decode()
    assert "<del>4</del><ins>4–6 i Norrby</ins>" in page
    page = client.get(url, {"target_group-a": "1", "target_group-b": "3"}).content.decode()
    assert "Elever<ins> i årskurs 4–6 i Norrby</ins>" in page
    client.force_login(w.outsider)
    assert client.get(url).status_code == 403
