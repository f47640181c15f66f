"""Administrators issue and revoke agency API tokens here; a new token is shown once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from fullpicture.api.models import ApiToken
from fullpicture.api.services import TOKEN_ROLES, api_token_create, api_token_revoke
from fullpicture.partnerships.four_eyes import refusal_record, roles_allowed_for
from fullpicture.partnerships.models import Agency, Practitioner


class NewTokenForm(forms.ModelForm):
    """A new token's role is one its agency's type allows; beyond it, a second person
    approves it (``fullpicture api-token request`` / ``approve``)."""

    role = forms.ChoiceField(choices=[(r, r.replace("_", " ")) for r in TOKEN_ROLES])
    actor: Any = None  # set per request by the admin, for the refusal's ledger event

    class Meta:
        model = ApiToken
        fields = ("name", "agency")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        agency, role = data.get("agency"), data.get("role")
        if agency is not None and role and role not in roles_allowed_for(agency.type):
            if self.actor is not None:
                refusal_record(
                    actor=self.actor,
                    object_type="api_token",
                    object_id=agency.code,
                    rule="four_eyes",
                )
            raise forms.ValidationError(
                f"The role {role} goes beyond what a {agency.get_type_display().lower()} "
                "agency allows, so a second person must approve it: fullpicture api-token "
                f"request --agency {agency.code} --role {role} --by YOU --reason TEXT, then "
                "fullpicture api-token approve ID --by SOMEONE_ELSE. Nothing was issued."
            )
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "agency", "created_at", "last_used_at", "revoked_at")
    list_filter = ("agency",)
    actions = ("revoke",)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            user = request.user
            kwargs["form"] = type(
                "NewTokenFormFor",
                (NewTokenForm,),
                {"actor": user.actor if isinstance(user, Practitioner) else None},
            )
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return (
            "name",
            "agency",
            "prefix",
            "created_at",
            "created_by",
            "last_used_at",
            "revoked_at",
        )

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("principal", "token_hash")

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            return
        user = request.user
        assert isinstance(user, Practitioner)  # noqa: S101  (admin users are practitioners)
        agency: Agency = form.cleaned_data["agency"]
        issued = api_token_create(
            agency_code=agency.code,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            actor=user.actor,
            created_by=user,
        )
        obj.pk = issued.token.pk
        obj.refresh_from_db()
        messages.warning(
            request,
            f"The new token is {issued.secret} . Copy it now: it is shown only once.",
        )

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        user = request.user
        assert isinstance(user, Practitioner)  # noqa: S101
        for token in queryset:
            api_token_revoke(prefix=token.prefix, actor=user.actor)
        self.message_user(request, f"Revoked {queryset.count()} token(s).")
