"""The user's notification choice and the fund administrator's outbox (failed mail shown)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .actions import do_retry_mail, do_set_notification_frequency
from .models import Frequency, MailStatus, Notification, NotificationPreference, OutgoingMail
from .permissions import administered_fund_ids, outbox_for

app_name = "notifications"


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(
        label=gettext_lazy("Hur vill du få e-post om händelser?"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
    )


def settings_page(request: HttpRequest) -> HttpResponse:
    pref = NotificationPreference.objects.filter(user=request.user).first()
    initial = {"frequency": pref.frequency if pref else Frequency.IMMEDIATE}
    form = FrequencyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            do_set_notification_frequency(frequency=form.cleaned_data["frequency"], acting_user=request.user)
        except ValidationError as exc:
            form.add_error("frequency", exc.messages[0])
        else:
            messages.success(request, _("Ditt val är sparat."))
            return redirect("notifications:settings")
    recent = Notification.objects.filter(recipient=request.user).select_related("mail")[:30]
    return render(request, "notifications/settings.html", {"form": form, "recent": recent})


def outbox(request: HttpRequest) -> HttpResponse:
    funds, orgs = administered_fund_ids(request.user)
    if not funds and not orgs:
        raise PermissionDenied(_("Utskicken visas för fondförvaltaren."))
    mails = outbox_for(request.user)
    problems = mails.filter(status__in=[MailStatus.FAILED, MailStatus.RETRYING])
    return render(
        request,
        "notifications/outbox.html",
        {"problems": problems[:200], "recent": mails.exclude(pk__in=problems.values("pk"))[:50]},
    )


def problems_notice(request: HttpRequest) -> HttpResponse:
    """The home page's notice of mail that has not arrived (loaded by htmx after the page)."""
    count = outbox_for(request.user).filter(status__in=[MailStatus.FAILED, MailStatus.RETRYING]).count()
    return render(request, "notifications/_problems.html", {"mail_problems": count})


@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    mail = get_object_or_404(OutgoingMail, pk=pk)
    try:
        do_retry_mail(mail=mail, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Mejlet ligger i kö igen."))
    return redirect("notifications:outbox")


urlpatterns = [
    path("", settings_page, name="settings"),
    path("outbox/", outbox, name="outbox"),
    path("outbox/problems/", problems_notice, name="problems"),
    path("outbox/<int:pk>/retry/", retry, name="retry"),
]
