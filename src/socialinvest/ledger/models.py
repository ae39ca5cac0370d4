"""The revolving fund's data: parties, disbursements, repayment agreements and the journal.

The journal (:class:`LedgerEntry` with its :class:`LedgerLine` rows) is append-only:
a saved entry or line is never updated or deleted — ``save()`` on an existing row and
``delete()`` raise :class:`AppendOnlyError`, and so do ``update()`` and ``delete()`` on
their querysets.  A correction is a reversal entry.  Entries are written only through
:func:`socialinvest.ledger.posting.post_entry`, which checks that they balance.

Lines carry copies of their entry's ``fund`` and ``budget_year`` so that every balance
and statement is a ``GROUP BY`` on one table.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from socialinvest.core.formatting import kronor_exact, percent_exact
from socialinvest.core.personnummer import reject_personnummer
from socialinvest.funds.models import RepaymentModel

MONEY = {"max_digits": 16, "decimal_places": 2}
KEY = {"max_digits": 7, "decimal_places": 6}


class AppendOnlyError(ValueError):
    """An attempt to change or delete a journal row or an agreement version."""


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk ``update()`` and ``delete()``: the journal is never rewritten."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only: post a reversal instead")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only: post a reversal instead")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only: post a reversal instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only: post a reversal instead")


class Account(models.TextChoices):
    """The fund's accounts (the internal view). Debit-normal: cash, investments, write_off."""

    CASH = "cash", _("Kassa")
    INVESTMENTS = "investments", _("Sociala investeringar")
    FUND_CAPITAL = "fund_capital", _("Fondkapital")
    RETURN = "return", _("Avkastning")
    WRITE_OFF = "write_off", _("Nedskrivning")


DEBIT_NORMAL = frozenset({Account.CASH, Account.INVESTMENTS, Account.WRITE_OFF})


class FundParty(models.Model):
    """A party of a multi-party fund: a coordination association's member, a municipality,
    a region, a state agency.  Its keys split costs and repayments; per kind they sum to 1."""

    fund = models.ForeignKey("funds.Fund", on_delete=models.PROTECT, related_name="parties")
    name = models.CharField(_("namn"), max_length=200, validators=[reject_personnummer])
    unit = models.ForeignKey(
        "organisations.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enhet"),
    )
    capital_contribution = models.DecimalField(
        _("kapitaltillskott (kr)"), default=Decimal(0), validators=[MinValueValidator(Decimal(0))], **MONEY
    )
    cost_key = models.DecimalField(
        _("kostnadsnyckel"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        **KEY,
    )
    repayment_key = models.DecimalField(
        _("återföringsnyckel"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        **KEY,
    )

    class Meta:
        ordering = ["fund", "id"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "name"], name="fund_party_unique_name"),
            models.CheckConstraint(
                condition=Q(cost_key__gte=0, cost_key__lte=1, repayment_key__gte=0, repayment_key__lte=1)
                & Q(capital_contribution__gte=0),
                name="fund_party_keys_in_range",
            ),
        ]
        verbose_name = _("fondpart")
        verbose_name_plural = _("fondparter")

    def __str__(self) -> str:
        return self.name


class FundPartyKeys(models.Model):
    """A party's cost and repayment keys in force from ``from_year`` (until the next row's year).

    Changing the keys from year Y adds a row; the split of earlier years never changes.
    ``FundParty.cost_key``/``repayment_key`` hold the latest keys (for display); the
    statements take each year's keys from here
    (:func:`socialinvest.ledger.selectors.party_keys_for_year`).
    """

    fund = models.ForeignKey("funds.Fund", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(FundParty, on_delete=models.CASCADE, related_name="key_history")
    from_year = models.PositiveSmallIntegerField(
        _("gäller från år"), validators=[MinValueValidator(1900), MaxValueValidator(2200)]
    )
    cost_key = models.DecimalField(
        _("kostnadsnyckel"), validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))], **KEY
    )
    repayment_key = models.DecimalField(
        _("återföringsnyckel"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        **KEY,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "from_year", "party"]
        constraints = [
            models.UniqueConstraint(fields=["party", "from_year"], name="fund_party_keys_once_per_year"),
            models.CheckConstraint(
                condition=Q(cost_key__gte=0, cost_key__lte=1, repayment_key__gte=0, repayment_key__lte=1),
                name="fund_party_keys_history_in_range",
            ),
        ]
        verbose_name = _("fördelningsnycklar")
        verbose_name_plural = _("fördelningsnycklar")


class EntryKind(models.TextChoices):
    CAPITAL_INJECTION = "capital_injection", _("Kapitaltillskott")
    DISBURSEMENT = "disbursement", _("Utbetalning")
    REPAYMENT = "repayment", _("Återföring")
    WRITE_OFF = "write_off", _("Nedskrivning")
    REVERSAL = "reversal", _("Rättelse (omföring)")


class LedgerEntry(AppendOnlyModel):
    """One immutable journal entry: who, when, why, and what it belongs to."""

    fund = models.ForeignKey("funds.Fund", on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(_("typ"), max_length=30, choices=EntryKind.choices)
    entry_date = models.DateField(_("bokföringsdag"))
    budget_year = models.PositiveSmallIntegerField(
        _("budgetår"), validators=[MinValueValidator(1900), MaxValueValidator(2200)]
    )
    instalment_year = models.PositiveSmallIntegerField(
        _("avser planens år"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2200)],
        help_text=_(
            "För en återföring: vilket år i avtalets plan den betalar (budgetåret är bokföringsårets)."
        ),
    )
    description = models.TextField(_("beskrivning"), validators=[reject_personnummer])
    idempotency_key = models.CharField(max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bokförd av"),
        help_text=_("Tomt: bokförd av systemet (t.ex. ingående kapital)."),
    )
    created_at = models.DateTimeField(_("bokförd"), auto_now_add=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    unit = models.ForeignKey(
        "organisations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    party = models.ForeignKey(FundParty, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    disbursement = models.ForeignKey(
        "Disbursement", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    agreement_version = models.ForeignKey(
        "RepaymentAgreementVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )

    class Meta:
        ordering = ["fund", "-entry_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "idempotency_key"], name="ledger_entry_idempotent"),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False)
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="ledger_entry_reversal_links_original",
            ),
            models.CheckConstraint(
                condition=Q(budget_year__gte=1900, budget_year__lte=2200), name="ledger_entry_budget_year"
            ),
        ]
        indexes = [
            models.Index(fields=["fund", "-entry_date", "-id"], name="ledger_entry_journal"),
            models.Index(fields=["fund", "kind", "budget_year"], name="ledger_entry_kind_year"),
            models.Index(fields=["application", "kind"], name="ledger_entry_application"),
        ]
        verbose_name = _("verifikation")
        verbose_name_plural = _("verifikationer")

    def __str__(self) -> str:
        return f"#{self.pk} {self.entry_date} {self.get_kind_display()}"


class LedgerLine(AppendOnlyModel):
    """One debit or credit of an entry, in whole öre.  ``fund`` and ``budget_year`` copy the entry's."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="lines")
    fund = models.ForeignKey("funds.Fund", on_delete=models.PROTECT, related_name="+")
    budget_year = models.PositiveSmallIntegerField(_("budgetår"))
    account = models.CharField(_("konto"), max_length=20, choices=Account.choices)
    debit = models.DecimalField(_("debet"), default=Decimal(0), **MONEY)
    credit = models.DecimalField(_("kredit"), default=Decimal(0), **MONEY)
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organisations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    party = models.ForeignKey(FundParty, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["entry", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(debit__gte=0) & Q(credit__gte=0), name="ledger_line_non_negative"
            ),
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(debit=0) & Q(credit__gt=0)),
                name="ledger_line_one_side",
            ),
        ]
        indexes = [
            # Balances: GROUP BY account for one fund (covering the amounts).
            models.Index(
                fields=["fund", "account", "budget_year", "debit", "credit"], name="ledger_line_fund"
            ),
            # One investment's lines (paid by year, outstanding principal).
            models.Index(fields=["application", "account", "budget_year"], name="ledger_line_application"),
            models.Index(fields=["unit", "account"], name="ledger_line_unit"),
        ]
        verbose_name = _("kontorad")
        verbose_name_plural = _("kontorader")

    @property
    def amount(self) -> Decimal:
        """The line's signed amount, debit positive."""
        return self.debit - self.credit


class Disbursement(models.Model):
    """A planned payment of part of a grant; the fund administrator approves it, then marks it paid."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planerad")
        APPROVED = "approved", _("Godkänd")
        PAID = "paid", _("Utbetald")
        CANCELLED = "cancelled", _("Makulerad")

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="disbursements"
    )
    fund = models.ForeignKey("funds.Fund", on_delete=models.PROTECT, related_name="disbursements")
    year = models.PositiveSmallIntegerField(_("år"))
    quarter = models.PositiveSmallIntegerField(
        _("kvartal"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    amount = models.DecimalField(_("belopp (kr)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    note = models.CharField(_("anteckning"), max_length=300, blank=True, validators=[reject_personnummer])
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_entry = models.OneToOneField(
        LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="paid_disbursement"
    )
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("skäl för makulering"), blank=True, validators=[reject_personnummer])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "year", F("quarter").asc(nulls_first=True), "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_positive"),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="disbursement_quarter",
            ),
            models.CheckConstraint(condition=Q(year__gte=1900, year__lte=2200), name="disbursement_year"),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_entry__isnull=False), name="disbursement_paid_has_entry"
            ),
        ]
        indexes = [models.Index(fields=["fund", "status"], name="disbursement_fund_status")]
        verbose_name = _("utbetalning")
        verbose_name_plural = _("utbetalningar")

    def __str__(self) -> str:
        when = f"{self.year} Q{self.quarter}" if self.quarter else str(self.year)
        return f"{when}: {self.amount} kr ({self.get_status_display()})"


class RepaymentAgreement(models.Model):
    """The repayment agreement between a granted investment and one benefiting unit.

    Its terms live in versions; the current version is the approved one with the highest
    number.  A proposed (not yet approved) version changes nothing until its named
    approver approves it.
    """

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="repayment_agreements"
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("återbetalande enhet"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "unit"], name="repayment_agreement_once_per_unit")
        ]
        verbose_name = _("återföringsavtal")
        verbose_name_plural = _("återföringsavtal")

    def __str__(self) -> str:
        return f"{self.application_id} – {self.unit}"

    def current_version(self) -> RepaymentAgreementVersion | None:
        """The latest approved version (``None`` until the first one is approved)."""
        return self.versions.filter(approved_at__isnull=False).order_by("-number").first()

    def proposed_version(self) -> RepaymentAgreementVersion | None:
        """A version awaiting its approver, newer than the current one, if any."""
        latest = self.versions.order_by("-number").first()
        return latest if latest is not None and latest.approved_at is None else None


TERM_LABELS = {
    "principal": (_("Belopp"), "kr"),
    "years": (_("Antal år"), ""),
    "first_year": (_("Första år"), ""),
    "last_year": (_("Sista år"), ""),
    "share": (_("Andel av besparingarna"), "%"),
    "cap": (_("Tak"), "kr"),
    "guaranteed_share": (_("Garanterad andel"), "%"),
    "conditional_share_of_savings": (_("Andel av uppmätta besparingar (villkorad del)"), "%"),
    "return_cap": (_("Tak för avkastning"), "%"),
}


class RepaymentAgreementVersion(AppendOnlyModel):
    """One version of an agreement's terms (``finance.repayment`` terms as JSON), immutable.

    It is proposed with a named ``approver`` and counts only once approved
    (``approved_at`` set, by :meth:`record_approval`, the one write after creation).

    ``forecast`` is ``{"year": "amount"}``, copied when the version is made from the
    decided calculation's cashable savings for the unit, so a later recalculation
    never changes what was agreed.
    """

    agreement = models.ForeignKey(RepaymentAgreement, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    terms = models.JSONField()
    forecast = models.JSONField(default=dict, blank=True)
    reason = models.TextField(_("skäl"), validators=[reject_personnummer])
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("godkännare"),
        help_text=_("Den som ska godkänna versionen (beslutsfattare eller fondadministratör)."),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("godkänd av"),
    )
    approved_at = models.DateTimeField(_("godkänd"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_number_once")
        ]
        verbose_name = _("avtalsversion")
        verbose_name_plural = _("avtalsversioner")

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"

    @property
    def model(self) -> str:
        return str(self.terms.get("model", ""))

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    def record_approval(self, user: Any, when: Any) -> bool:
        """Record the approval, once: the terms stay immutable, only the approval is written.

        Returns ``False`` if the version was already approved (nothing written).
        """
        done = models.QuerySet.update(
            RepaymentAgreementVersion.objects.filter(pk=self.pk, approved_at__isnull=True),
            approved_by=user,
            approved_at=when,
        )
        if done:
            self.approved_by, self.approved_at = user, when
        return bool(done)

    def terms_rows(self) -> list[tuple[str, str]]:
        """The terms for people: Swedish names, kronor and percentages (the model itself left out)."""
        rows = []
        for key, value in self.terms.items():
            if key == "model":
                continue
            label, kind = TERM_LABELS.get(key, (key, ""))
            if kind == "kr":
                text = kronor_exact(Decimal(str(value)))
            elif kind == "%":
                text = percent_exact(Decimal(str(value)))
            else:
                text = str(value)
            rows.append((str(label), text))
        return rows

    @property
    def model_label(self) -> str:
        try:
            return str(RepaymentModel(self.model).label)
        except ValueError:
            return self.model
