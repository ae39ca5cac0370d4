"""The conversation tab: the thread the user may read, a form to write, edits, attachments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from socialinvest.core.forms import run_service
from socialinvest.core.permissions import deny

from ..conversation.actions import do_edit_comment, do_post_comment
from ..conversation.models import Comment, CommentAttachment, Visibility
from ..conversation.permissions import readable_levels, writable_levels
from ..conversation.selectors import thread
from ..models import Application
from .common import TAB_BY_SLUG, Tab, page_context, require, viewable_application


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Kommentar"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Skriv @användarnamn för att meddela någon. Inga personnummer."),
    )
    visibility = forms.ChoiceField(label=gettext_lazy("Synlig för"), widget=forms.RadioSelect)
    files = MultipleFileField(
        label=gettext_lazy("Bilagor"), required=False, widget=MultipleFileInput(attrs={"multiple": True})
    )

    def __init__(self, *args: Any, levels: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Visibility.choices)
        self.fields["visibility"].choices = [(v, labels[v]) for v in levels]
        self.fields["visibility"].initial = levels[0] if levels else None


class EditForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Ändra kommentaren"), widget=forms.Textarea(attrs={"rows": 4}))


def conversation_tab(
    request: HttpRequest, application: Application, tab: Tab, form: CommentForm | None = None
) -> HttpResponse:
    levels = writable_levels(request.user, application)
    if form is None and levels:
        form = CommentForm(levels=levels)
    comments = comment_rows(request.user, application)
    context = page_context(
        request,
        application,
        tab.slug,
        comments=comments,
        comment_form=form,
        readable=readable_levels(request.user, application),
    )
    return render(request, "applications/detail.html", context)


def comment_rows(user: Any, application: Application) -> list[dict[str, Any]]:
    """The thread as plain rows, what each shows worked out once in Python (200 comments render
    in a fraction of what per-row ``{% url %}``, ``|date`` and ``|linebreaks`` would cost)."""
    edit_url = pk_url("applications:comment_edit", application.pk)
    file_url = pk_url("applications:comment_attachment", application.pk)
    labels = {value: str(label) for value, label in Visibility.choices}
    localtime = timezone.localtime
    me = user.pk
    rows = thread(user, application)
    for row in rows:
        pk = row["pk"]
        created = localtime(row["created_at"])
        own = row["author_id"] == me
        edited = row["edited_at"] is not None
        name = f"{row['author__first_name']} {row['author__last_name']}".strip()
        row.update(
            author=name or row["author__username"],
            created_iso=created.isoformat(),
            created=created.strftime("%Y-%m-%d %H:%M"),
            visibility_label=labels[row["visibility"]],
            body=linebreaks(row["body"], autoescape=True),
            edited=edited,
            files=[(file_name, file_url(pk, file_pk)) for file_pk, file_name in row["files"]],
            edit_url=edit_url(pk) if (own or edited) else "",
            own=own,
        )
    return rows


def pk_url(name: str, pk: int) -> Any:
    """``reverse(name, args=[pk, *ids])`` for many ids at the cost of one ``reverse``."""
    marker = 987654321
    template = reverse(name, args=[pk, marker, marker + 1] if name.endswith("attachment") else [pk, marker])
    return lambda *ids: template.replace(str(marker), str(ids[0]), 1).replace(
        str(marker + 1), str(ids[-1]), 1
    )


@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = viewable_application(request, pk)
    levels = writable_levels(request.user, application)
    require_levels(levels)
    form = CommentForm(request.POST, request.FILES, levels=levels)
    if done := run_service(
        form,
        lambda _data: do_post_comment(
            application=application,
            body=form.cleaned_data["body"],
            visibility=form.cleaned_data["visibility"],
            uploads=form.cleaned_data["files"],
            acting_user=request.user,
        ),
        default="body",
    ):
        comment = done.result
        messages.success(request, _("Kommentaren är publicerad."))
        url = reverse("applications:section", args=[pk, "conversation"])
        return redirect(f"{url}#comment-{comment.pk}")
    return conversation_tab(request, application, TAB_BY_SLUG["conversation"], form=form)


def require_levels(levels: list[str]) -> None:

    if not levels:
        require(deny(_("Du kan läsa men inte skriva i samtalet.")))


def _readable_comment(request: HttpRequest, pk: int, comment_pk: int) -> tuple[Application, Comment]:
    application = viewable_application(request, pk)
    comment = get_object_or_404(Comment, pk=comment_pk, application=application)
    if comment.visibility not in readable_levels(request.user, application):
        raise Http404  # not even its existence is shown
    return application, comment


def comment_edit(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    application, comment = _readable_comment(request, pk, comment_pk)
    form = EditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and (
        run_service(
            form,
            lambda _data: do_edit_comment(
                comment=comment, body=form.cleaned_data["body"], acting_user=request.user
            ),
            default="body",
        )
    ):
        messages.success(request, _("Kommentaren är ändrad; den tidigare texten finns kvar i historiken."))
        url = reverse("applications:section", args=[pk, "conversation"])
        return redirect(f"{url}#comment-{comment.pk}")
    revisions = list(comment.revisions.all())
    context = page_context(
        request, application, "conversation", panel=False, form=form, comment=comment, revisions=revisions
    )
    return render(request, "applications/comment_edit.html", context)


@require_GET
def comment_attachment(request: HttpRequest, pk: int, comment_pk: int, attachment_pk: int) -> HttpResponse:
    _application, comment = _readable_comment(request, pk, comment_pk)
    attachment = get_object_or_404(CommentAttachment, pk=attachment_pk, comment=comment)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type="application/octet-stream",
    )


urlpatterns = [
    path("<int:pk>/comments/", comment_add, name="comment_add"),
    path("<int:pk>/comments/<int:comment_pk>/", comment_edit, name="comment_edit"),
    path(
        "<int:pk>/comments/<int:comment_pk>/files/<int:attachment_pk>/",
        comment_attachment,
        name="comment_attachment",
    ),
]
