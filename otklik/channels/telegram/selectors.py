"""Reads of the Telegram adapter (for outreach: who wants the news of an area)."""

from __future__ import annotations

from django.db.models import QuerySet

from otklik.channels.telegram.models import AreaSubscription


def area_subscriptions(*, municipality=None) -> QuerySet[AreaSubscription]:
    """Active subscriptions of chats that have not blocked the bot (of one municipality)."""
    rows = AreaSubscription.objects.filter(
        cancelled_at__isnull=True, chat__blocked_at__isnull=True
    ).select_related("chat", "municipality")
    if municipality is not None:
        rows = rows.filter(municipality=municipality)
    return rows.order_by("municipality__name", "chat__chat_id")
