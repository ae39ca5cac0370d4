"""The conversation on an application: who reads which comment (a matrix over every role, on the
conversation tab, the timeline and the attachment link), who writes at which level, the
personnummer checks on text and attachments, @-mentions that notify, edits kept as history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from socialinvest.applications.conversation.actions import do_edit_comment, do_post_comment
from socialinvest.applications.conversation.models import CommentRevision
from socialinvest.applications.conversation.permissions import writable_levels
from socialinvest.core.models import AuditEvent
from socialinvest.notifications.models import Notification

TEXTS = {
    "applicants": "Kan ni komplettera budgeten för år två?",
    "fund": "Internt: budgeten verkar för optimistisk.",
    "council": "Rådet: designen saknar jämförelsegrupp.",
}
# Who reads which level; the applicant units' members (also a group member who belongs to one)
# read only what the applicants read.
READS = {
    "applicant": {"applicants"},
    "co_applicant": {"applicants"},
    "conflicted_preparer": {"applicants"},
    "preparer": {"applicants", "fund", "council"},
    "preparer2": {"applicants", "fund", "council"},
    "decision_maker": {"applicants", "fund", "council"},
    "fund_admin": {"applicants", "fund", "council"},
    "auditor": {"applicants", "fund", "council"},
    "council": {"applicants", "council"},
    "outsider": set(),
}


@pytest.fixture
def thread(world, submitted_app):
    w = world
    comments = {
        "applicants": do_post_comment(
            application=submitted_app,
            body=TEXTS["applicants"],
            visibility="applicants",
            acting_user=w.fund_admin,
            uploads=[SimpleUploadedFile("fragor.txt", b"Fragor om budgeten", content_type="text/plain")],
        ),
        "fund": do_post_comment(
            application=submitted_app, body=TEXTS["fund"], visibility="fund", acting_user=w.preparer
        ),
        "council": do_post_comment(
            application=submitted_app, body=TEXTS["council"], visibility="council", acting_user=w.council
        ),
    }
    return submitted_app, comments


@pytest.mark.django_db
@pytest.mark.parametrize("who", sorted(READS))
def test_each_role_reads_exactly_its_levels_on_every_page(world, thread, client, who):
    app, comments = thread
    client.force_login(getattr(world, who))
    tab = client.get(reverse("applications:section", args=[app.pk, "conversation"]))
    timeline = client.get(reverse("applications:section", args=[app.pk, "timeline"]))
    if not READS[who]:
        assert tab.status_code == 403 and timeline.status_code == 403
        return
    for level, text in TEXTS.items():
        expected = level in READS[who]
        assert (text in tab.content.decode()) is expected, (who, level, "conversation")
        assert (text[:40] in timeline.content.decode()) is expected, (who, level, "timeline")
        edit = client.get(reverse("applications:comment_edit", args=[app.pk, comments[level].pk]))
        assert edit.status_code == (200 if expected else 404), (who, level, "comment page")
    attachment = comments["applicants"].attachments.get()
    url = reverse("applications:comment_attachment", args=[app.pk, comments["applicants"].pk, attachment.pk])
    assert client.get(url).status_code == 200
    # The timeline's audit lines for unreadable comments are left out too (not only their text).
    page = timeline.content.decode()
    assert ("Endast fonden" in page) is ("fund" in READS[who])


@pytest.mark.django_db
def test_who_writes_at_which_level(world, submitted_app):
    w = world
    assert writable_levels(w.applicant, submitted_app) == ["applicants"]
    assert writable_levels(w.council, submitted_app) == ["applicants", "council"]
    assert writable_levels(w.fund_admin, submitted_app) == ["applicants", "fund", "council"]
    assert writable_levels(w.auditor, submitted_app) == []  # auditors read only
    with pytest.raises(PermissionDenied):
        do_post_comment(application=submitted_app, body="Hej", visibility="fund", acting_user=w.applicant)
    with pytest.raises(PermissionDenied):
        do_post_comment(
            application=submitted_app, body="Hej", visibility="fund", acting_user=w.conflicted_preparer
        )
    with pytest.raises(PermissionDenied):
        do_post_comment(
            application=submitted_app, body="Hej", visibility="applicants", acting_user=w.outsider
        )


@pytest.mark.django_db
def test_personnummer_refused_in_text_and_attachments(world, submitted_app):
    w = world
    with pytest.raises(ValidationError) as exc:
        do_post_comment(
            application=submitted_app,
            body="Gäller 19121212-1212",
            visibility="applicants",
            acting_user=w.applicant,
        )
    assert "personnummer" in exc.value.message_dict["body"][0]
    with pytest.raises(ValidationError) as exc:
        do_post_comment(
            application=submitted_app,
            body="Se bilagan",
            visibility="applicants",
            acting_user=w.applicant,
            uploads=[SimpleUploadedFile("lista.csv", b"namn;pnr\nA;121212-1212\n", content_type="text/csv")],
        )
    assert "personnummer" in exc.value.message_dict["file"][0]
    assert not submitted_app.comments.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "written",
    [
        "１９１２１２１２－１２１２",  # full-width digits and dash
        "191212\u200b12–1212",  # a zero-width space, an en dash from Word
        "1912 12 12\u00a0-\u00a01212",  # no-break spaces
    ],
)
def test_the_conversation_uses_the_normalising_detector_for_text_edits_and_files(
    world, submitted_app, written
):
    """The same detector as every model text field (socialinvest.identity): the forms people and
    word processors actually produce are refused in a comment, an edit and an attachment."""
    w = world
    with pytest.raises(ValidationError) as exc:
        do_post_comment(
            application=submitted_app,
            body=f"Gäller {written}",
            visibility="applicants",
            acting_user=w.applicant,
        )
    assert "personnummer" in exc.value.message_dict["body"][0]
    comment = do_post_comment(
        application=submitted_app, body="Utan nummer", visibility="applicants", acting_user=w.applicant
    )
    with pytest.raises(ValidationError) as exc:
        do_edit_comment(comment=comment, body=f"Ändrad: {written}", acting_user=w.applicant)
    assert "personnummer" in exc.value.message_dict["body"][0]
    upload = SimpleUploadedFile("lista.txt", f"Kontakt {written}".encode("utf-16"), content_type="text/plain")
    with pytest.raises(ValidationError) as exc:
        do_post_comment(
            application=submitted_app,
            body="Se bilagan",
            visibility="applicants",
            acting_user=w.applicant,
            uploads=[upload],
        )
    assert "personnummer" in exc.value.message_dict["file"][0]
    comment.refresh_from_db()
    assert list(submitted_app.comments.all()) == [comment] and comment.body == "Utan nummer"


@pytest.mark.django_db
def test_mentions_notify_readers_and_refuse_those_who_could_not_read(
    world, submitted_app, django_capture_on_commit_callbacks, mailoutbox
):
    w = world
    with django_capture_on_commit_callbacks(execute=True):
        do_post_comment(
            application=submitted_app,
            body="@beredare2 kan du titta på detta?",
            visibility="fund",
            acting_user=w.preparer,
        )
    note = Notification.objects.get(kind="comment.mention")
    assert note.recipient == w.preparer2 and "section/conversation/" in note.url
    assert [m.to for m in mailoutbox if "nämnde dig" in m.subject] == [[w.preparer2.email]]
    with pytest.raises(ValidationError) as exc:
        do_post_comment(
            application=submitted_app,
            body="@sokande ser du detta?",
            visibility="fund",
            acting_user=w.preparer,
        )
    assert "@sokande" in exc.value.message_dict["body"][0]


@pytest.mark.django_db
def test_edits_are_kept_as_history_and_audited(world, submitted_app, client):
    w = world
    comment = do_post_comment(
        application=submitted_app, body="Första", visibility="applicants", acting_user=w.applicant
    )
    with pytest.raises(PermissionDenied):
        do_edit_comment(comment=comment, body="Inte min", acting_user=w.co_applicant)
    do_edit_comment(comment=comment, body="Andra", acting_user=w.applicant)
    do_edit_comment(comment=comment, body="Tredje", acting_user=w.applicant)
    assert list(CommentRevision.objects.filter(comment=comment).values_list("body", flat=True)) == [
        "Första",
        "Andra",
    ]
    verbs = list(
        AuditEvent.objects.filter(target_id=str(comment.pk), target_type="applications.comment")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["comment.posted", "comment.edited", "comment.edited"]
    client.force_login(w.fund_admin)
    page = client.get(
        reverse("applications:comment_edit", args=[submitted_app.pk, comment.pk])
    ).content.decode()
    assert "Första" in page and "Andra" in page and "Tredje" in page


@pytest.mark.django_db
def test_the_conversation_page_reads_comments_in_a_constant_number_of_queries(world, submitted_app, client):
    w = world

    def queries_for(n: int) -> int:
        for i in range(n):
            do_post_comment(
                application=submitted_app,
                body=f"Kommentar {i}",
                visibility=["applicants", "fund", "council"][i % 3],
                acting_user=w.fund_admin,
                uploads=[SimpleUploadedFile(f"b{i}.txt", b"Underlag", content_type="text/plain")],
            )
        client.force_login(w.fund_admin)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert (
                client.get(
                    reverse("applications:section", args=[submitted_app.pk, "conversation"])
                ).status_code
                == 200
            )
        return len(ctx.captured_queries)

    few = queries_for(3)
    many = queries_for(30)
    assert many == few, f"{few} queries with 3 comments, {many} with 33"
