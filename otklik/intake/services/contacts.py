"""Contacts of citizens: found or created from a message's author, and their consent to the
processing of personal data (152-ФЗ)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.intake.models import Contact


@dataclass(frozen=True)
class AuthorData:
    name: str = ""
    phone: str = ""
    email: str = ""
    channel_user_id: str = ""
    consent_personal_data: bool = False
    consent_text_version: str = ""
    postal_address: str = ""
    # a legal entity as the applicant (the fields above are then its contact person's)
    legal_name: str = ""
    inn: str = ""
    ogrn: str = ""


CONTACT_MATCHES_MAX = 50


def contact_for(author: AuthorData | None, *, at: dt.datetime, channel: str = "") -> Contact | None:
    if author is None or not (
        author.phone or author.email or author.channel_user_id or author.name or author.inn
    ):
        return None
    existing = _contact_existing(author)
    if existing is not None:
        return _contact_refresh(existing, author)
    contact = Contact.objects.create(
        name=author.name,
        phone=author.phone,
        email=author.email,
        channel_user_id=author.channel_user_id,
        postal_address=author.postal_address,
        legal_name=author.legal_name,
        inn=author.inn,
        ogrn=author.ogrn,
    )
    if author.consent_personal_data:  # given with the message: recorded (and audited) as such
        _consent_record(contact, version=author.consent_text_version, channel=channel, at=at)
    return contact


def _contact_existing(author: AuthorData) -> Contact | None:
    """The contact ``author`` already is: a legal entity by its ИНН only; a person by phone,
    else by e-mail, else by the channel's user id (one query), never a legal entity's contact
    (the contact person's phone does not make a citizen's letter the company's)."""
    if author.inn:
        return Contact.objects.filter(inn=author.inn).order_by("pk").first()
    keys = {f: v for f in ("phone", "email", "channel_user_id") if (v := getattr(author, f))}
    if not keys:
        return None
    any_key = Q()
    for field, value in keys.items():
        any_key |= Q(**{field: value})
    people = Contact.objects.filter(inn="")
    found = list(people.filter(any_key).order_by("pk")[:CONTACT_MATCHES_MAX])
    for field, value in keys.items():
        existing = next((c for c in found if getattr(c, field) == value), None)
        if existing is not None:
            return existing
    if len(found) == CONTACT_MATCHES_MAX:  # unusually many: ask per key, as before
        for field, value in keys.items():
            existing = people.filter(**{field: value}).order_by("pk").first()
            if existing is not None:
                return existing
    return None


def _contact_refresh(contact: Contact, author: AuthorData) -> Contact:
    """A found contact takes the postal address (and a legal entity's name, ОГРН and contact
    person) given now: the answer to this letter goes there."""
    changes = {
        f: v
        for f in ("postal_address", "legal_name", "ogrn")
        if (v := getattr(author, f)) and v != getattr(contact, f)
    }
    if contact.inn:  # a legal entity's contact person may change from letter to letter
        changes.update(
            {
                f: v
                for f in ("name", "phone", "email")
                if (v := getattr(author, f)) and v != getattr(contact, f)
            }
        )
    if changes:
        for field, value in changes.items():
            setattr(contact, field, value)
        contact.save(update_fields=[*changes, "updated_at"])
    return contact


def contact_of_channel_user(*, channel_user_id: str, name: str = "") -> Contact:
    """The contact of a channel's user (found by ``channel_user_id``, else created)."""
    return contact_for(AuthorData(name=name, channel_user_id=channel_user_id), at=timezone.now())


@transaction.atomic
def contact_consent_give(*, contact: Contact, version: str, channel: str) -> bool:
    """Record the citizen's consent to personal-data processing (152-ФЗ): the flag, the time,
    the version of the text they were shown and the channel where they agreed; audited.
    Returns False when exactly this consent is already recorded (a repeated tap or form)."""
    if not version:
        raise ApplicationError("Нет версии текста согласия.")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if (
        contact.consent_personal_data
        and contact.consent_text_version == version
        and contact.consent_channel == channel
    ):
        return False
    _consent_record(contact, version=version, channel=channel, at=timezone.now())
    return True


def _consent_record(contact: Contact, *, version: str, channel: str, at: dt.datetime) -> None:
    """Set the consent on ``contact`` (locked or just created) and audit it."""
    contact.consent_personal_data = True
    contact.consent_text_version = version
    contact.consent_channel = channel
    contact.consent_at = at
    contact.consent_withdrawn_at = None
    contact.save(
        update_fields=[
            "consent_personal_data",
            "consent_text_version",
            "consent_channel",
            "consent_at",
            "consent_withdrawn_at",
            "updated_at",
        ]
    )
    audit_log(
        actor=None,
        action="contact.consent",
        target=contact,
        data={"version": version, "channel": channel},
    )


@transaction.atomic
def contact_consent_withdraw(*, contact: Contact, channel: str) -> bool:
    """The citizen withdraws the consent (152-ФЗ ст. 9 ч. 2): the flag is cleared, the time of
    the withdrawal kept beside the version they had agreed to; audited. False when there was
    no consent to withdraw."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if not contact.consent_personal_data:
        return False
    contact.consent_personal_data = False
    contact.consent_withdrawn_at = timezone.now()
    contact.save(update_fields=["consent_personal_data", "consent_withdrawn_at", "updated_at"])
    audit_log(
        actor=None,
        action="contact.consent_withdraw",
        target=contact,
        data={"version": contact.consent_text_version, "channel": channel},
    )
    return True
