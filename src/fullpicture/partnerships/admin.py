from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from fullpicture.partnerships.models import Agency, Partnership, Practitioner


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "type", "partnership"]
    list_filter = ["type", "partnership"]
    search_fields = ["code", "name"]


@admin.register(Practitioner)
class PractitionerAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "agency", "is_active"]
    list_filter = ["agency", "roles", "is_active"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Agency and roles", {"fields": ("agency", "roles", "job_title", "phone")}),
    )
    filter_horizontal = ["roles", "groups", "user_permissions"]
