"""Every change to what a practitioner may do is a ledger event, whatever path made it (a
service, the Django admin, a command): roles, Django groups and permissions, the agency
they belong to, staff, superuser and active flags. Ids and codes only, in the same
transaction as the change (docs/decisions/0080)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record, ledger_request_actor
from fullpicture.partnerships.models import Practitioner, Role

WATCHED_FIELDS = ("agency_id", "is_staff", "is_superuser", "is_active")
_M2M = {
    Practitioner.roles.through: "roles",
    Practitioner.groups.through: "groups",
    Practitioner.user_permissions.through: "user_permissions",
}


def _record(practitioner_id: int, reason: str, details: dict[str, Any]) -> None:
    ledger_record(
        actor=ledger_request_actor(),
        action=Action.UPDATE,
        object_type="practitioner",
        object_id=practitioner_id,
        reason_code=reason,
        details=details,
    )


def _labels(kind: str, pks: set[Any]) -> list[str]:
    if kind == "roles":
        return sorted(Role.objects.filter(pk__in=pks).values_list("code", flat=True))
    return sorted(str(pk) for pk in pks)


def _current(kind: str, practitioner: Practitioner) -> set[Any]:
    return set(getattr(practitioner, kind).values_list("pk", flat=True))


@receiver(m2m_changed)
def _roles_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[Any] | None, **kw: Any
) -> None:
    kind = _M2M.get(sender)
    if kind is None:
        return
    if action == "pre_clear":
        # Which ones a clear takes away must be read before they are gone.
        if not reverse:
            instance._fp_cleared = _current(kind, instance)
        else:
            field = {"roles": "role", "groups": "group", "user_permissions": "permission"}[kind]
            instance._fp_cleared = set(
                sender.objects.filter(**{field: instance}).values_list("practitioner_id", flat=True)
            )
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    changed = (
        set(pk_set or ()) if action != "post_clear" else getattr(instance, "_fp_cleared", set())
    )
    if not changed:
        return
    key = "added" if action == "post_add" else "removed"
    if reverse:  # role.practitioners.add(...): one event per practitioner
        label = _labels(kind, {instance.pk})
        for practitioner_id in sorted(changed):
            _record(practitioner_id, f"{kind}_change", {"kind": kind, key: label})
        return
    instance.__dict__.pop("_role_codes", None)
    _record(instance.pk, f"{kind}_change", {"kind": kind, key: _labels(kind, changed)})


@receiver(pre_save, sender=Practitioner)
def _remember_membership(sender: Any, instance: Practitioner, **kwargs: Any) -> None:
    if instance.pk is None or kwargs.get("raw"):
        return
    before = Practitioner.objects.filter(pk=instance.pk).values_list(*WATCHED_FIELDS).first()
    remembered = dict(zip(WATCHED_FIELDS, before, strict=True)) if before else None
    instance._fp_before = remembered  # type: ignore[attr-defined]


@receiver(post_save, sender=Practitioner)
def _membership_changed(sender: Any, instance: Practitioner, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    before = None if created else getattr(instance, "_fp_before", None)
    changes = {}
    for name in WATCHED_FIELDS:
        now = getattr(instance, name)
        was = before.get(name) if before is not None else None
        if (created and now not in (None, False)) or (before is not None and was != now):
            changes[name.removesuffix("_id")] = {"from": str(was or ""), "to": str(now or "")}
    if not created and before is None:
        return
    if changes:
        _record(instance.pk, "membership_change", {"created": str(created).lower(), **changes})
