from django.contrib import admin

from otklik.channels.telegram.models import AreaSubscription, ConsentHold, TelegramChat


@admin.register(TelegramChat)
class TelegramChatAdmin(admin.ModelAdmin):
    list_display = ("chat_id", "created_at", "blocked_at", "consent_refused_at")
    readonly_fields = (
        "chat_id",
        "created_at",
        "blocked_at",
        "pending_at",
        "consent_asked_at",
        "consent_refused_at",
    )
    exclude = ("pending_latitude", "pending_longitude", "pending_address")
    search_fields = ("=chat_id",)


@admin.register(AreaSubscription)
class AreaSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("chat", "municipality", "created_at", "cancelled_at")
    list_filter = ("municipality", "cancelled_at")
    readonly_fields = ("chat", "municipality", "created_at", "cancelled_at")


@admin.register(ConsentHold)
class ConsentHoldAdmin(admin.ModelAdmin):
    """Messages waiting for the consent answer (and how each went on): read only."""

    list_display = ("message", "chat", "held_at", "released_at", "outcome", "reason")
    list_filter = ("outcome", "reason")
    readonly_fields = ("message", "chat", "held_at", "released_at", "outcome", "reason")

    def has_add_permission(self, request):
        return False
