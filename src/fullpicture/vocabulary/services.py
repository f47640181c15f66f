"""Writes to the shared language: categories, mappings, unmapped codes and thresholds.

Every change keeps what was there before (a version row), so a report run today about an
item recorded last year can still say what the category was called then.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fullpicture.partnerships.models import Agency, Partnership, Practitioner
from fullpicture.vocabulary import seed
from fullpicture.vocabulary.models import (
    ChangeKind,
    CinFactor,
    CodeMapping,
    CodeMappingChange,
    ConcernCategory,
    ConcernCategoryVersion,
    Domain,
    ThresholdDescriptor,
    ThresholdDescriptorChange,
    UnmappedCode,
)

# Versions seeded with the published list are valid from before any item could exist.
PUBLISHED_AT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class VocabularyError(Exception):
    """A change the shared language refuses, with a message fit to show."""


def normalise_code(code: str) -> str:
    return " ".join(str(code).split()).upper()


def _actor_or_none(actor: Practitioner | None) -> Practitioner | None:
    return actor if actor is not None and actor.pk is not None else None


def _open_version(
    *,
    category: ConcernCategory,
    kind: str,
    at: dt.datetime,
    actor: Practitioner | None,
    note: str = "",
) -> ConcernCategoryVersion:
    return ConcernCategoryVersion.objects.create(
        category=category,
        version=category.version,
        slug=category.slug,
        name=category.name,
        definition=category.definition,
        cin_factor_codes=category.cin_factor_codes,
        kind=kind,
        valid_from=at,
        changed_by=_actor_or_none(actor),
        note=note[:300],
    )


def vocabulary_seed(*, using: str = "default") -> None:
    """Create whatever of the published list is missing; never overwrite an edit."""
    categories: dict[str, ConcernCategory] = {}
    for slug, name, definition, order in seed.CATEGORIES:
        category, _ = ConcernCategory.objects.using(using).get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "definition": definition,
                "cin_factor_codes": seed.cin_codes_for(slug),
                "sort_order": order,
            },
        )
        categories[slug] = category
    for category in ConcernCategory.objects.using(using).filter(versions__isnull=True):
        ConcernCategoryVersion.objects.using(using).create(
            category=category,
            version=category.version,
            slug=category.slug,
            name=category.name,
            definition=category.definition,
            cin_factor_codes=category.cin_factor_codes,
            kind=ChangeKind.CREATED,
            valid_from=PUBLISHED_AT,
        )
    for order, (code, label, slug, definition) in enumerate(seed.CIN_FACTORS):
        CinFactor.objects.using(using).get_or_create(
            code=code,
            defaults={
                "label": label,
                "definition": definition,
                "category": categories.get(slug),
                "sort_order": order,
            },
        )


@transaction.atomic
def category_create(
    *, slug: str, name: str, definition: str, actor: Practitioner | None, sort_order: int = 50
) -> ConcernCategory:
    if ConcernCategory.objects.filter(slug=slug).exists():
        raise VocabularyError(f"The code '{slug}' is already published.")
    category = ConcernCategory.objects.create(
        slug=slug, name=name, definition=definition, sort_order=sort_order
    )
    _open_version(category=category, kind=ChangeKind.CREATED, at=timezone.now(), actor=actor)
    return category


@transaction.atomic
def category_update(
    *,
    category: ConcernCategory,
    name: str,
    definition: str,
    actor: Practitioner | None,
    note: str = "",
) -> ConcernCategoryVersion | None:
    """Change a category's name or definition as a new version; the old one is kept.

    Returns the new version, or None when nothing changed. The slug never changes.
    """
    current = ConcernCategory.objects.select_for_update().get(pk=category.pk)
    if current.name == name and current.definition == definition:
        return None
    now = timezone.now()
    ConcernCategoryVersion.objects.filter(category=current, valid_to__isnull=True).update(
        valid_to=now
    )
    current.name = name
    current.definition = definition
    current.version = current.version + 1
    current.save(update_fields=["name", "definition", "version"])
    version = _open_version(
        category=current, kind=ChangeKind.EDITED, at=now, actor=actor, note=note
    )
    category.refresh_from_db()
    return version


@transaction.atomic
def category_retire(
    *,
    category: ConcernCategory,
    actor: Practitioner | None,
    replaced_by: ConcernCategory | None = None,
) -> ConcernCategoryVersion:
    """Stop offering a category. Items recorded with it keep it; nothing is deleted."""
    current = ConcernCategory.objects.select_for_update().get(pk=category.pk)
    if current.is_retired:
        raise VocabularyError(f"'{current.name}' is already retired.")
    if replaced_by is not None and replaced_by.pk == current.pk:
        raise VocabularyError("A category cannot replace itself.")
    now = timezone.now()
    ConcernCategoryVersion.objects.filter(category=current, valid_to__isnull=True).update(
        valid_to=now
    )
    current.retired_at = now
    current.replaced_by = replaced_by
    current.version = current.version + 1
    current.save(update_fields=["retired_at", "replaced_by", "version"])
    note = f"Replaced by '{replaced_by.slug}'." if replaced_by else ""
    version = _open_version(
        category=current, kind=ChangeKind.RETIRED, at=now, actor=actor, note=note
    )
    category.refresh_from_db()
    return version


@transaction.atomic
def mapping_save(
    *,
    agency: Agency,
    code: str,
    category: ConcernCategory,
    actor: Practitioner | None,
    label: str = "",
    active: bool = True,
) -> CodeMapping:
    """Create or change an agency's local code mapping, keeping each earlier version."""
    code = normalise_code(code)
    if not code:
        raise VocabularyError("Enter the agency's code.")
    if category.is_retired and active:
        raise VocabularyError(f"'{category.name}' is retired: map the code to a current category.")
    now = timezone.now()
    mapping = CodeMapping.objects.select_for_update().filter(agency=agency, code=code).first()
    if mapping is None:
        mapping = CodeMapping.objects.create(
            agency=agency, code=code, label=label, category=category, active=active
        )
        kind = ChangeKind.CREATED
    else:
        if (mapping.category_id, mapping.label, mapping.active) == (category.pk, label, active):
            return mapping
        mapping.category = category
        mapping.label = label
        mapping.active = active
        mapping.version = mapping.version + 1
        mapping.save()
        kind = ChangeKind.EDITED
    CodeMappingChange.objects.create(
        mapping=mapping,
        version=mapping.version,
        code=mapping.code,
        label=mapping.label,
        category=category,
        active=active,
        kind=kind,
        changed_at=now,
        changed_by=_actor_or_none(actor),
    )
    if active:
        UnmappedCode.objects.filter(agency=agency, code=code, mapped_at__isnull=True).update(
            mapped_at=now
        )
    return mapping


def unmapped_code_record(*, agency: Agency, code: str) -> UnmappedCode:
    """Note a code that resolved to nothing, counting how often and since when."""
    code = normalise_code(code)
    now = timezone.now()
    with transaction.atomic():
        row, created = UnmappedCode.objects.get_or_create(
            agency=agency,
            code=code,
            defaults={"times_seen": 1, "first_seen": now, "last_seen": now},
        )
        if not created:
            UnmappedCode.objects.filter(pk=row.pk).update(
                times_seen=F("times_seen") + 1, last_seen=now, mapped_at=None
            )
            row.refresh_from_db()
    return row


# --------------------------------------------------------------------------------------
# Thresholds
# --------------------------------------------------------------------------------------


def threshold_defaults_load(*, partnership: Partnership) -> int:
    """Give a partnership the default descriptors it lacks; returns how many were added."""
    existing = set(
        ThresholdDescriptor.objects.filter(partnership=partnership).values_list("level", "domain")
    )
    rows = [
        ThresholdDescriptor(partnership=partnership, level=level, domain=domain, text=text)
        for level, texts in seed.THRESHOLD_DEFAULTS.items()
        for domain, text in texts.items()
        if (level, domain) not in existing
    ]
    ThresholdDescriptor.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def threshold_descriptor_update(
    *, partnership: Partnership, level: int, domain: str, text: str, actor: Practitioner | None
) -> ThresholdDescriptor:
    """Change a partnership's words for one level and domain; the old words are kept."""
    text = text.strip()
    if not text:
        raise VocabularyError("Enter the descriptor: describe what this level looks like.")
    if domain not in Domain.values or level not in seed.THRESHOLD_DEFAULTS:
        raise VocabularyError("There is no such level or domain.")
    threshold_defaults_load(partnership=partnership)
    descriptor = ThresholdDescriptor.objects.select_for_update().get(
        partnership=partnership, level=level, domain=domain
    )
    if descriptor.text == text:
        return descriptor
    ThresholdDescriptorChange.objects.create(
        descriptor=descriptor,
        version=descriptor.version,
        text=descriptor.text,
        changed_at=timezone.now(),
        changed_by=_actor_or_none(actor),
    )
    descriptor.text = text
    descriptor.version = descriptor.version + 1
    descriptor.updated_by = _actor_or_none(actor)
    descriptor.save()
    return descriptor
