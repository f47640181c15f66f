from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from fullpicture.partnerships.four_eyes import WIDENING_ROLES, refusal_record
from fullpicture.partnerships.models import Agency, Partnership, Practitioner, RoleRequest


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "type", "partnership"]
    list_filter = ["type", "partnership"]
    search_fields = ["code", "name"]


WIDENING_MESSAGE = (
    "Roles that widen access ({roles}) are given only through a role request that a second "
    "person approves: fullpicture role request --user {username} --role ROLE --by YOU "
    "--reason TEXT, then fullpicture role approve ID --by SOMEONE_ELSE. Nothing was saved."
)


@admin.register(Practitioner)
class PractitionerAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "agency", "is_active"]
    list_filter = ["agency", "roles", "is_active"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Agency and roles", {"fields": ("agency", "roles", "job_title", "phone")}),
    )
    filter_horizontal = ["roles", "groups", "user_permissions"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        base = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class FourEyesRolesForm(base):  # type: ignore[misc,valid-type]
            """Refuses adding a role that widens access: four eyes, through ``role``."""

            def clean_roles(self) -> Any:
                roles = self.cleaned_data.get("roles")
                if roles is None:
                    return roles
                before = (
                    set(self.instance.roles.values_list("code", flat=True))
                    if self.instance.pk
                    else set()
                )
                added = sorted(({r.code for r in roles} - before) & WIDENING_ROLES)
                if added:
                    if isinstance(user, Practitioner):
                        refusal_record(
                            actor=user.actor,
                            object_type="practitioner_roles",
                            object_id=self.instance.pk or "",
                            rule="four_eyes",
                        )
                    raise forms.ValidationError(
                        WIDENING_MESSAGE.format(
                            roles=", ".join(added), username=self.instance.username or "USERNAME"
                        )
                    )
                return roles

        return FourEyesRolesForm


@admin.register(RoleRequest)
class RoleRequestAdmin(admin.ModelAdmin):
    """Read-only: role requests are asked for and decided with ``fullpicture role``."""

    list_display = ["pk", "practitioner", "role", "requested_by", "status", "decided_by"]
    list_filter = ["status", "role"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
