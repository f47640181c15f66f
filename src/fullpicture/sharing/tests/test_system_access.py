"""System actors (tasks, commands) ask the policy point with a named actor and purpose."""

import pytest

from fullpicture.sharing.policy import (
    SYSTEM_ACCESS,
    SystemAccessRefused,
    SystemPurpose,
    system_access,
    system_access_required,
)


def test_alerting_may_read_item_metadata_with_a_basis() -> None:
    decision = system_access(
        actor="system:alerts", purpose=SystemPurpose.ALERTING, scope="item-metadata"
    )
    assert decision.allowed
    assert "Children Act 2004" in decision.basis


@pytest.mark.parametrize(
    ("actor", "purpose", "scope"),
    [
        ("system:alerts", SystemPurpose.ALERTING, "item-content"),
        ("system:alerts", SystemPurpose.RETENTION, "retention"),
        ("system:unknown", SystemPurpose.ALERTING, "item-metadata"),
        ("system:retention", SystemPurpose.ALERTING, "item-metadata"),
    ],
)
def test_anything_not_listed_is_refused(actor: str, purpose: str, scope: str) -> None:
    decision = system_access(actor=actor, purpose=purpose, scope=scope)
    assert not decision.allowed
    assert decision.basis == ""
    with pytest.raises(SystemAccessRefused, match=actor):
        system_access_required(actor=actor, purpose=purpose, scope=scope)


def test_every_listed_access_names_a_basis_and_a_reason() -> None:
    for (actor, _purpose, _scope), (basis, reason) in SYSTEM_ACCESS.items():
        assert actor.startswith("system:")
        assert basis
        assert reason
