"""Reads of the shared language: resolving codes, labels as they were, thresholds."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field

from django.db.models import QuerySet

from fullpicture.partnerships.models import Agency, Partnership
from fullpicture.vocabulary.models import (
    CinFactor,
    CodeMapping,
    ConcernCategory,
    ConcernCategoryVersion,
    Domain,
    NeedLevel,
    ThresholdDescriptor,
    UnmappedCode,
)
from fullpicture.vocabulary.services import (
    normalise_code,
    threshold_defaults_load,
    unmapped_code_record,
)


def categories_offered() -> QuerySet[ConcernCategory]:
    """The categories a practitioner may choose today (retired ones are kept, not offered)."""
    return ConcernCategory.objects.filter(retired_at__isnull=True)


def _current(category: ConcernCategory | None) -> ConcernCategory | None:
    seen: set[int] = set()
    while category is not None and category.is_retired and category.pk not in seen:
        seen.add(category.pk)
        category = category.replaced_by
    if category is None or category.is_retired:
        return None
    return category


def category_resolve(*, agency: Agency, code: str, record: bool = True) -> ConcernCategory | None:
    """The shared category an agency's code means, or None.

    Tried in order: a shared slug (``domestic_abuse``), the agency's own mapped code
    (``DA-VERBAL``), a CIN census factor code (``3A``). A retired category resolves to
    the one that replaced it. A code that resolves to nothing is recorded against the
    agency (``UnmappedCode``, unless ``record=False``) so an administrator can map it:
    it is listed, never silently dropped.
    """
    raw = str(code or "").strip()
    if not raw:
        return None
    slug_hit = ConcernCategory.objects.filter(slug=raw.lower()).first()
    found = _current(slug_hit)
    if found is None:
        mapping = (
            CodeMapping.objects.select_related("category__replaced_by")
            .filter(agency=agency, code=normalise_code(raw), active=True)
            .first()
        )
        found = _current(mapping.category) if mapping else None
    if found is None:
        factor = (
            CinFactor.objects.select_related("category__replaced_by")
            .filter(code=normalise_code(raw).replace(" ", ""))
            .first()
        )
        found = _current(factor.category) if factor else None
    if found is None and record:
        unmapped_code_record(agency=agency, code=raw)
    return found


def category_label_at(category: ConcernCategory, when: dt.datetime) -> str:
    """What the category was called at ``when`` (an item's recorded time): history kept."""
    version = (
        ConcernCategoryVersion.objects.filter(category=category, valid_from__lte=when)
        .order_by("-valid_from", "-version")
        .first()
    )
    if version is None:
        version = (
            ConcernCategoryVersion.objects.filter(category=category).order_by("version").first()
        )
    return version.name if version is not None else category.name


def category_history(*, category: ConcernCategory) -> QuerySet[ConcernCategoryVersion]:
    return ConcernCategoryVersion.objects.filter(category=category).select_related("changed_by")


def cin_factors() -> QuerySet[CinFactor]:
    return CinFactor.objects.select_related("category")


def code_mappings(*, partnership_id: int | None) -> QuerySet[CodeMapping]:
    rows = CodeMapping.objects.select_related("agency", "category").prefetch_related("changes")
    if partnership_id is not None:
        rows = rows.filter(agency__partnership_id=partnership_id)
    return rows


def unmapped_codes(*, partnership_id: int | None) -> QuerySet[UnmappedCode]:
    """Codes seen but not (or no longer) mapped, most recently seen first."""
    rows = UnmappedCode.objects.select_related("agency").filter(mapped_at__isnull=True)
    if partnership_id is not None:
        rows = rows.filter(agency__partnership_id=partnership_id)
    return rows


# --------------------------------------------------------------------------------------
# Thresholds
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DomainText:
    domain: str
    label: str
    text: str
    version: int = 1


@dataclass(frozen=True)
class ThresholdLevel:
    level: int
    label: str
    summary: str
    domains: list[DomainText] = field(default_factory=list)


def threshold_descriptors_for(partnership: Partnership) -> list[ThresholdLevel]:
    """A partnership's continuum of need, levels 1 to 4; defaults are loaded if it has none.

    This is what every threshold decision shows beside it
    (``vocabulary/threshold_descriptors.html``).
    """
    rows = list(ThresholdDescriptor.objects.filter(partnership=partnership))
    if len(rows) < len(NeedLevel) * len(Domain):
        threshold_defaults_load(partnership=partnership)
        rows = list(ThresholdDescriptor.objects.filter(partnership=partnership))
    by_key = {(r.level, r.domain): r for r in rows}
    levels = []
    for level in NeedLevel:
        summary = by_key.get((level.value, Domain.SUMMARY))
        levels.append(
            ThresholdLevel(
                level=level.value,
                label=str(level.label),
                summary=summary.text if summary else "",
                domains=[
                    DomainText(
                        domain=d.value,
                        label=str(d.label),
                        text=by_key[(level.value, d.value)].text,
                        version=by_key[(level.value, d.value)].version,
                    )
                    for d in Domain
                    if d != Domain.SUMMARY and (level.value, d.value) in by_key
                ],
            )
        )
    return levels


@dataclass(frozen=True)
class Word:
    text: str
    changed: bool


@dataclass(frozen=True)
class ComparisonRow:
    level: int
    level_label: str
    domain_label: str
    left: list[Word]
    right: list[Word]
    differs: bool


def _word_diff(left: str, right: str) -> tuple[list[Word], list[Word]]:
    a, b = left.split(), right.split()
    ours: list[Word] = []
    theirs: list[Word] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        changed = tag != "equal"
        ours.extend(Word(w, changed) for w in a[i1:i2])
        theirs.extend(Word(w, changed) for w in b[j1:j2])
    return ours, theirs


def threshold_comparison(*, left: Partnership, right: Partnership) -> list[ComparisonRow]:
    """Two partnerships' descriptors side by side, with the words that differ marked."""
    ours = threshold_descriptors_for(left)
    theirs = threshold_descriptors_for(right)
    rows = []
    for a, b in zip(ours, theirs, strict=True):
        pairs = [(Domain.SUMMARY.label, a.summary, b.summary)] + [
            (da.label, da.text, db.text) for da, db in zip(a.domains, b.domains, strict=True)
        ]
        for label, text_a, text_b in pairs:
            words_a, words_b = _word_diff(text_a, text_b)
            rows.append(
                ComparisonRow(
                    level=a.level,
                    level_label=a.label,
                    domain_label=str(label),
                    left=words_a,
                    right=words_b,
                    differs=text_a.split() != text_b.split(),
                )
            )
    return rows
