"""Writes: post a comment (with attachments and @-mentions), edit one's own comment."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.personnummer import reject_personnummer
from socialinvest.core.uploads import check_upload, file_sha256

from ..locking import lock_application
from ..models import Application
from ..notify import notify_mentioned
from .models import Comment, CommentAttachment, CommentRevision, Visibility
from .permissions import can_comment, readable_levels

MENTION = re.compile(r"(?<![\w@])@([\w.\-]+\w)")
MAX_LENGTH = 10_000


def mentioned_users(body: str) -> list[Any]:
    names = set(MENTION.findall(body))
    if not names:
        return []
    return list(get_user_model().objects.filter(username__in=names, is_active=True))


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Skriv en kommentar.")})
    if len(body) > MAX_LENGTH:
        raise ValidationError(
            {"body": _("Kommentaren är för lång (högst %(n)d tecken).") % {"n": MAX_LENGTH}}
        )
    try:
        reject_personnummer(body)
    except ValidationError as exc:
        raise ValidationError({"body": exc.messages[0]}) from exc
    return body


def _audit_data(comment: Comment, body: str) -> dict[str, Any]:
    # The audit trail keeps a fingerprint of the text, not the text: the timeline is read at every
    # level, the comment's own rows (and their revisions) at the comment's level only.
    return {
        "visibility": comment.visibility,
        "comment": comment.pk,
        "sha256": hashlib.sha256(body.encode()).hexdigest(),
    }


def do_post_comment(
    *,
    application: Application,
    body: str,
    visibility: str,
    acting_user: Any,
    uploads: Sequence[UploadedFile] = (),
) -> Comment:
    """Post a comment at a visibility level; mentioned users who can read it are notified.

    Refused, naming the field: an empty or too long text, a personnummer in the text or in an
    attachment (the application's upload check), a level the user may not write at, or a
    mention of someone who could not read the comment.
    """
    with transaction.atomic():
        locked = lock_application(application)
        if visibility not in Visibility.values:
            raise ValidationError({"visibility": _("Välj vilka som ska se kommentaren.")})
        verdict = can_comment(acting_user, locked, visibility)
        if not verdict:
            raise PermissionDenied(verdict.reason)
        body = _clean_body(body)
        names = [check_upload(u) for u in uploads]
        digests = [file_sha256(u) for u in uploads]
        mentioned = mentioned_users(body)
        blind = [u for u in mentioned if visibility not in readable_levels(u, locked)]
        if blind:
            raise ValidationError(
                {
                    "body": _("%(names)s kan inte läsa en kommentar med den här synligheten.")
                    % {"names": ", ".join(f"@{u.username}" for u in blind)}
                }
            )
        comment = Comment.objects.create(
            application=locked, author=acting_user, visibility=visibility, body=body
        )
        comment.mentions.set(mentioned)
        for upload, name, digest in zip(uploads, names, digests, strict=True):
            attachment = CommentAttachment(comment=comment, name=name, size=upload.size, sha256=digest)
            attachment.file.save(name, upload, save=False)
            attachment.save()
        record_event(
            actor=acting_user,
            verb="comment.posted",
            target=comment,
            summary=_("Kommentar (%(level)s)") % {"level": comment.get_visibility_display()},
            data={
                **_audit_data(comment, body),
                "attachments": [{"name": n, "sha256": d} for n, d in zip(names, digests, strict=True)],
            },
            fund=locked.fund,
            application=locked,
        )
        if mentioned:
            notify_mentioned(locked, mentioned, acting_user, body[:500])
    return comment


def do_edit_comment(*, comment: Comment, body: str, acting_user: Any) -> Comment:
    """The author changes their comment; the earlier text is kept as a revision."""
    body = _clean_body(body)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().select_related("application__fund").get(pk=comment.pk)
        if locked.author_id != getattr(acting_user, "pk", None):
            raise PermissionDenied(_("Bara den som skrev kommentaren kan ändra den."))
        if not can_comment(acting_user, locked.application, locked.visibility):
            raise PermissionDenied(_("Du kan inte längre skriva med den synligheten."))
        if body == locked.body:
            return locked
        CommentRevision.objects.create(
            comment=locked, body=locked.body, written_at=locked.edited_at or locked.created_at
        )
        locked.body = body
        locked.edited_at = timezone.now()
        locked.save(update_fields=["body", "edited_at"])
        record_event(
            actor=acting_user,
            verb="comment.edited",
            target=locked,
            summary=_("Kommentar ändrad (%(level)s)") % {"level": locked.get_visibility_display()},
            data=_audit_data(locked, body),
            fund=locked.application.fund,
            application=locked.application,
        )
    return locked
