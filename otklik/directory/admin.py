"""Admin for the reference model; rights from the permission matrix (audit/admin_base.py)."""

from __future__ import annotations

from django.contrib import admin

from otklik.audit.admin_base import MatrixModelAdmin
from otklik.core.permissions import Action
from otklik.directory.cache import reference_changed
from otklik.directory.models import (
    CalendarOverride,
    Channel,
    CityDistrict,
    InputKind,
    Municipality,
    Organization,
    Sector,
    Topic,
)


class ReferenceAdmin(MatrixModelAdmin):
    """Admin of a reference book: every change makes the processes rebuild their reference
    snapshot (``otklik.directory.cache``)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        reference_changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # many-to-many fields and inlines
        reference_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        reference_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        reference_changed()


class CityDistrictInline(admin.TabularInline):
    model = CityDistrict
    extra = 0
    fields = ("okato", "name", "population", "population_year", "latitude", "longitude")

    # Inline rights follow the parent admin (the matrix), not Django's model permissions.
    def has_view_permission(self, request, obj=None):
        return self.admin_site._registry[Municipality].has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self.admin_site._registry[Municipality].has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.admin_site._registry[Municipality].has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.admin_site._registry[Municipality].has_delete_permission(request, obj)


@admin.register(Municipality)
class MunicipalityAdmin(ReferenceAdmin):
    list_display = ("name", "kind", "okato", "admin_centre", "population")
    list_filter = ("kind",)
    search_fields = ("name", "full_name", "okato", "admin_centre")
    inlines = [CityDistrictInline]


@admin.register(CityDistrict)
class CityDistrictAdmin(ReferenceAdmin):
    list_display = ("name", "municipality", "okato", "population")
    list_filter = ("municipality",)
    search_fields = ("name", "okato")


class TopicInline(admin.TabularInline):
    model = Topic
    extra = 0
    fields = ("code", "name", "totk_code", "is_active", "order")
    show_change_link = True

    def has_view_permission(self, request, obj=None):
        return self.admin_site._registry[Sector].has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self.admin_site._registry[Sector].has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.admin_site._registry[Sector].has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.admin_site._registry[Sector].has_delete_permission(request, obj)


@admin.register(Sector)
class SectorAdmin(ReferenceAdmin):
    list_display = ("name", "code", "order")
    search_fields = ("name", "code")
    inlines = [TopicInline]

    def get_readonly_fields(self, request, obj=None):
        # The sector code is used everywhere (API, exports): fixed once the sector exists.
        return ("code",) if obj is not None else ()


@admin.register(Topic)
class TopicAdmin(ReferenceAdmin):
    list_display = ("name", "sector", "code", "totk_code", "is_active", "is_public_infrastructure")
    list_filter = ("sector", "is_active", "is_public_infrastructure")
    search_fields = ("name", "code", "totk_code", "description")
    list_select_related = ("sector",)


@admin.register(Organization)
class OrganizationAdmin(ReferenceAdmin):
    list_display = ("short_name", "kind", "code", "serves_whole_region", "valid_from", "valid_to")
    list_filter = ("kind", "serves_whole_region", "sectors")
    search_fields = ("name", "short_name", "code", "email")
    filter_horizontal = ("sectors", "municipalities")
    autocomplete_fields = ("parent", "municipality")
    fieldsets = (
        (None, {"fields": ("code", "name", "short_name", "kind", "parent")}),
        (
            "Зона работы",
            {"fields": ("sectors", "serves_whole_region", "municipalities", "municipality")},
        ),
        ("Контакты", {"fields": ("address", "email", "phone", "website")}),
        ("Срок действия", {"fields": ("valid_from", "valid_to")}),
    )


@admin.register(Channel)
class ChannelAdmin(ReferenceAdmin):
    list_display = ("name", "code", "is_public", "order")
    search_fields = ("name", "code")


@admin.register(InputKind)
class InputKindAdmin(ReferenceAdmin):
    list_display = ("name", "code", "legal_basis", "order")
    search_fields = ("name", "code")


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(MatrixModelAdmin):
    edit_action = Action.CALENDAR_EDIT
    list_display = ("date", "is_working", "reason")
    list_filter = ("is_working",)
    date_hierarchy = "date"
    search_fields = ("reason",)
