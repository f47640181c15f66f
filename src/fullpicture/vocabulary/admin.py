from django.contrib import admin

from fullpicture.vocabulary.models import ConcernCategory


@admin.register(ConcernCategory)
class ConcernCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "cin_factor_codes"]
    readonly_fields = ["slug"]
