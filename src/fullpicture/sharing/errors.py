"""Refusals shared by sharing's reads and writes."""

from __future__ import annotations


class SharingRefused(Exception):
    """A request that breaks a rule: nothing was written or read; ``errors`` say why, plainly."""

    def __init__(self, *errors: str) -> None:
        super().__init__("; ".join(errors))
        self.errors = list(errors)
