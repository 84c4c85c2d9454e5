from django.contrib import admin

from otklik.channels.webform.models import WebReport


@admin.register(WebReport)
class WebReportAdmin(admin.ModelAdmin):
    list_display = ("message", "followed", "created_at")
    list_filter = ("followed",)
    readonly_fields = ("token", "message", "followed", "survey", "created_at", "updated_at")

    def has_add_permission(self, request) -> bool:
        return False
