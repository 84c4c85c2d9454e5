from django.contrib import admin

from otklik.channels.telegram.models import AreaSubscription, TelegramChat


@admin.register(TelegramChat)
class TelegramChatAdmin(admin.ModelAdmin):
    list_display = ("chat_id", "created_at", "blocked_at")
    readonly_fields = ("chat_id", "created_at", "blocked_at", "pending_at")
    exclude = ("pending_latitude", "pending_longitude", "pending_address")
    search_fields = ("=chat_id",)


@admin.register(AreaSubscription)
class AreaSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("chat", "municipality", "created_at", "cancelled_at")
    list_filter = ("municipality", "cancelled_at")
    readonly_fields = ("chat", "municipality", "created_at", "cancelled_at")
