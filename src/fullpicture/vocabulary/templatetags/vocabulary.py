"""``{% load vocabulary %}``: the threshold descriptors beside a decision, category hints."""

from __future__ import annotations

from typing import Any

from django import template

from fullpicture.partnerships.models import Partnership
from fullpicture.vocabulary.selectors import categories_offered, threshold_descriptors_for

register = template.Library()


@register.inclusion_tag("vocabulary/threshold_descriptors.html")
def threshold_descriptors(
    partnership: Partnership | None, open_level: int | None = None
) -> dict[str, Any]:
    """``{% threshold_descriptors partnership %}`` beside every threshold decision."""
    levels = threshold_descriptors_for(partnership) if partnership is not None else []
    return {"threshold_levels": levels, "partnership": partnership, "open_level": open_level}


@register.inclusion_tag("vocabulary/components/category_radios.html")
def category_radios(
    name: str = "category",
    selected: Any = "",
    legend: str = "Category",
    error: str = "",
    by_slug: bool = False,
) -> dict[str, Any]:
    """GOV.UK radios for the shared categories, each with its definition as hint text."""
    return {
        "name": name,
        "categories": list(categories_offered()),
        "selected": "" if selected is None else str(selected),
        "legend": legend,
        "error": error,
        "by_slug": by_slug,
    }
