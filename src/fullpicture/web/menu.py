"""The menu: each role's work first, at most seven items, the rest one level down.

The service name beside the menu leads home, so "Home" takes no place in it.

Every page a person may open is listed once here, with who may open it; each role puts
its own work first (the A&E nurse's check, the MASH's queue, the IG lead's agreements),
and what does not fit in seven goes on the "More" page. A person with several roles gets
the pages of each, in the order of their first role that lists them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from fullpicture.partnerships.models import AgencyType, Practitioner, RoleCode

R = RoleCode
MAX_ITEMS = 7
READERS = frozenset(
    {
        R.AGENCY_PRACTITIONER.value,
        R.MASH_PRACTITIONER.value,
        R.MASH_MANAGER.value,
        R.UNSCHEDULED_CARE_CLINICIAN.value,
        R.IG_LEAD.value,
    }
)
MASH = frozenset({R.MASH_PRACTITIONER.value, R.MASH_MANAGER.value})


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    url_name: str
    roles: frozenset[str]  # empty: everyone signed in
    group: str  # heading on the "More" page
    prefix: str = ""  # the page is current for any path under this (else the URL itself)


ANYONE: frozenset[str] = frozenset()
CLINICIAN = frozenset({R.UNSCHEDULED_CARE_CLINICIAN.value})
REVIEWERS = frozenset({R.MASH_MANAGER.value, R.ADMINISTRATOR.value})
IG = frozenset({R.IG_LEAD.value})
OVERSIGHT = frozenset({R.MASH_MANAGER.value, R.IG_LEAD.value})
BOARD = frozenset({R.BOARD_SCRUTINEER.value, R.IG_LEAD.value})
WORK, PEOPLE, SHARING, GOVERNANCE = "Your work", "People", "Sharing", "Governance"

PAGES: tuple[Page, ...] = (
    Page("check", "Point-of-care check", "alerts:point_of_care", CLINICIAN, WORK),
    Page("queue", "MASH queue", "frontdoor:queue", MASH, WORK),
    Page("alerts", "Alerts", "alerts:alerts", MASH, WORK),
    Page("search", "Find a person", "web:person_search", READERS, PEOPLE),
    Page("matches", "Possible matches", "linkage:review_queue", REVIEWERS, PEOPLE, "/linkage/"),
    Page("inbox", "Inbox", "web:inbox", ANYONE, WORK),
    Page("contacts", "Your contacts", "frontdoor:inbox", READERS, SHARING),
    Page("requests", "Information requests", "sharing:requests", READERS, SHARING),
    Page("meetings", "Meetings", "meetings:list", READERS, SHARING, "/meetings/"),
    Page("challenges", "Challenges", "sharing:challenges", READERS, SHARING),
    Page("agreements", "Agreements", "sharing:agreements", IG, GOVERNANCE),
    Page("break_glass", "Break-glass reviews", "sharing:break_glass_reviews", IG, GOVERNANCE),
    Page("reviews", "Learning reviews", "governance:learning_reviews", IG, GOVERNANCE),
    Page("sar", "Subject access", "governance:subject_access", IG, GOVERNANCE),
    Page("access_log", "Who looked at whom", "governance:access_log", OVERSIGHT, GOVERNANCE),
    Page("scrutiny", "Scrutiny", "governance:scrutiny", BOARD, GOVERNANCE),
    Page("transfers", "Families moving", "alerts:transfers", ANYONE, WORK),
    Page("training", "Training", "training:home", ANYONE, "Learning", "/training/"),
)
BY_KEY = {page.key: page for page in PAGES}

# Each role's pages, its work first. Pages a role may open but does not list come after,
# in the order of PAGES.
ROLE_ORDER: dict[str, tuple[str, ...]] = {
    R.UNSCHEDULED_CARE_CLINICIAN.value: ("check", "search", "inbox", "contacts"),
    R.MASH_PRACTITIONER.value: (
        "queue", "alerts", "search", "requests", "inbox", "meetings",
    ),
    R.MASH_MANAGER.value: ("queue", "alerts", "matches", "meetings", "search", "inbox"),
    R.AGENCY_PRACTITIONER.value: (
        "search", "contacts", "requests", "inbox", "meetings", "challenges",
    ),
    R.IG_LEAD.value: ("agreements", "reviews", "break_glass", "sar", "access_log", "inbox"),
    R.BOARD_SCRUTINEER.value: ("scrutiny", "training"),
    R.TRAINER.value: ("training",),
    R.ADMINISTRATOR.value: ("matches", "inbox"),
}  # fmt: skip
ROLE_PRIORITY = (
    R.UNSCHEDULED_CARE_CLINICIAN.value,
    R.MASH_MANAGER.value,
    R.MASH_PRACTITIONER.value,
    R.IG_LEAD.value,
    R.AGENCY_PRACTITIONER.value,
    R.BOARD_SCRUTINEER.value,
    R.TRAINER.value,
    R.ADMINISTRATOR.value,
)


def _may_open(page: Page, user: Practitioner) -> bool:
    if page.key == "transfers":  # families moving in or out: children's social care only
        return bool(user.agency and user.agency.type == AgencyType.CHILDRENS_SOCIAL_CARE)
    return not page.roles or bool(page.roles & user.role_codes)


def pages_for(user: Practitioner) -> list[Page]:
    """Every page the user may open, their roles' work first."""
    roles = [r for r in ROLE_PRIORITY if r in user.role_codes]
    order: list[str] = []
    for role in roles:
        order.extend(k for k in ROLE_ORDER.get(role, ()) if k not in order)
    order.extend(p.key for p in PAGES if p.key not in order)
    return [BY_KEY[k] for k in order if _may_open(BY_KEY[k], user)]


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    current: bool
    key: str
    badge: int = 0


def _links(pages: Iterable[Page], path: str, badges: dict[str, int]) -> list[MenuLink]:
    links = []
    for page in pages:
        url = reverse(page.url_name)
        current = path == url or bool(page.prefix and path.startswith(page.prefix))
        links.append(MenuLink(page.label, url, current, page.key, badges.get(page.key, 0)))
    return links


def menu_for(
    user: Practitioner, *, path: str, badges: dict[str, int] | None = None
) -> dict[str, Any]:
    """The top menu (at most ``MAX_ITEMS``, "More" being one) and the pages under More."""
    pages = pages_for(user)
    badges = badges or {}
    if len(pages) <= MAX_ITEMS:
        return {"menu": _links(pages, path, badges), "menu_more": []}
    top, rest = pages[: MAX_ITEMS - 1], pages[MAX_ITEMS - 1 :]
    more_url = reverse("web:more")
    links = _links(top, path, badges)
    more = _links(rest, path, badges)
    current = path == more_url or any(link.current for link in more)
    links.append(MenuLink("More", more_url, current, "more", sum(m.badge for m in more)))
    return {"menu": links, "menu_more": more}


def menu(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the menu for the signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not isinstance(user, Practitioner):
        return {}
    from fullpicture.web.inbox import unread_count  # the inbox reads two apps' selectors

    return menu_for(user, path=request.path, badges={"inbox": unread_count(user)})
