"""The shared professional language: concern categories every agency maps to."""

from __future__ import annotations

from django.db import models


class ConcernCategory(models.Model):
    """A shared concern category. Its slug never changes once published."""

    slug = models.SlugField(max_length=48, unique=True)
    name = models.CharField(max_length=120)
    definition = models.TextField(
        blank=True, help_text="Plain-English definition shown as hint text."
    )
    cin_factor_codes = models.CharField(
        "children in need census factor codes",
        max_length=64,
        blank=True,
        help_text="Comma-separated DfE CIN census 'factors identified at the end of assessment'.",
    )
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name_plural = "concern categories"

    def __str__(self) -> str:
        return self.name
