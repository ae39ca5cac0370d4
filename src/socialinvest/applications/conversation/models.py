"""A comment thread on each application, with visibility levels and kept edits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    """Who reads a comment.  An applicant (or a member of an applicant unit) reads only the first."""

    APPLICANTS = "applicants", _("Sökande och fonden")
    FUND = "fund", _("Endast fonden")
    COUNCIL = "council", _("Vetenskapliga rådet och fonden")


class Comment(models.Model):
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visibility = models.CharField(_("synlig för"), max_length=20, choices=Visibility.choices)
    body = models.TextField(_("kommentar"))
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["application", "visibility", "created_at"])]
        verbose_name = _("kommentar")
        verbose_name_plural = _("kommentarer")


class CommentRevision(models.Model):
    """The text a comment had before an edit (the comment keeps the newest)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["comment", "written_at", "id"]


def comment_attachment_path(instance: CommentAttachment, filename: str) -> str:
    return f"applications/{instance.comment.application_id}/comments/{instance.comment_id}/{filename}"


class CommentAttachment(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=comment_attachment_path)
    name = models.CharField(_("namn"), max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
