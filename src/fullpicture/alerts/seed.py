"""The seeded cumulative-concern rules: loaded by a data migration and after every migrate
(so a flushed database gets them back); existing rules are never overwritten."""

from __future__ import annotations

from typing import Any

RULES = [
    (
        "halcon-one-team",
        "Halcon One Team: three of five criteria",
        "Avon and Somerset's Halcon One Team assessed families against five criteria no single "
        "agency sees together: domestic abuse, mental health, drugs and alcohol, impact of "
        "offending, and debt. A family meets this rule when, within 12 months, items from at "
        "least three agencies cover at least three of the five.",
        ["domestic_abuse", "mental_health", "drugs_alcohol", "offending", "debt"],
        3,
        3,
        365,
        True,
    ),
    (
        "three-agencies-12-months",
        "Concerns from three or more agencies within 12 months",
        "Any family about whom at least three different agencies recorded something within 12 "
        "months: no one agency sees the whole.",
        [],
        1,
        3,
        365,
        True,
    ),
    (
        "supporting-families",
        "Supporting Families headline problems (switched off until configured)",
        "Room for the national Supporting Families outcome framework: choose its headline "
        "problems as categories and switch the rule on.",
        [
            "school_attendance",
            "housing",
            "debt",
            "domestic_abuse",
            "offending",
            "mental_health",
            "drugs_alcohol",
        ],
        3,
        2,
        365,
        False,
    ),
]


def rules_seed(concern_rule: Any, concern_category: Any) -> int:
    created_count = 0
    for slug, name, description, categories, min_criteria, min_agencies, window, active in RULES:
        rule, created = concern_rule.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "min_criteria": min_criteria,
                "min_agencies": min_agencies,
                "window_days": window,
                "active": active,
            },
        )
        if created:
            created_count += 1
            if categories:
                rule.categories.set(concern_category.objects.filter(slug__in=categories))
    return created_count
