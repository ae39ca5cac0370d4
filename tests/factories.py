"""Factories for the web application's models (factory-boy)."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from socialinvest.funds.models import Criterion, Fund
from socialinvest.organisations.models import Membership, Organisation, Unit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.se")
    password = factory.django.Password("demo-password-1")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kommun {n}")
    slug = factory.Sequence(lambda n: f"kommun-{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Nämnd {n}")
    kind = Unit.Kind.COMMITTEE
    actor_id = "kommun.socialtjanst"


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund

    owner = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Fond {n}")
    slug = factory.Sequence(lambda n: f"sif{n}")
    capital = 40_000_000
    requires_idea_test = True
    requires_council_opinion = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Every test fund has its opening capital in the ledger, dated 2024-01-01 unless ``opened_on``."""
        from socialinvest.ledger.posting import post_opening_capital

        opened_on = kwargs.pop("opened_on", dt.date(2024, 1, 1))
        fund = super()._create(model_class, *args, **kwargs)
        fund.refresh_from_db()
        post_opening_capital(fund=fund, entry_date=opened_on)
        return fund


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    fund = factory.SubFactory(FundFactory)
    name = factory.Sequence(lambda n: f"Kriterium {n}")
    weight = 1


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
