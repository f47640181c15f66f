"""Loading the Sharetown demo: a fictional partnership and the Walsh family, as data.

Records, relationships and items load through the same services agencies'
feeds use (``import-records``, the item feed), not through special demo code.
Loading is idempotent, and never overwrites anything that is not demo data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from fullpicture.alerts.services import alerts_demo_load
from fullpicture.audit.services import Actor
from fullpicture.core.csvfile import read_rows
from fullpicture.demo.sharing import sharetown_sharing_load
from fullpicture.frontdoor.services import frontdoor_demo_load
from fullpicture.governance.demo import governance_demo_load
from fullpicture.linkage.services import link_pending, records_import_file
from fullpicture.meetings.demo import meetings_demo_load
from fullpicture.partnerships.models import Agency, Partnership, Practitioner, Role
from fullpicture.people.households import households_update
from fullpicture.people.services import RELATIONSHIP_COLUMNS, relationships_import
from fullpicture.sharing.feeds import feed_coverage_load_file, involvements_import_file
from fullpicture.sharing.services import items_import_file
from fullpicture.training.services import training_demo_load

SHARETOWN = Path(__file__).resolve().parent / "sharetown"
DEMO_PASSWORD = "sharetown-demo"  # noqa: S105  (fictional accounts in a demo database only)
DEMO_NAME = "sharetown"
ACTOR = Actor.system("demo")


class DemoConflict(Exception):
    """The database holds non-demo data under a name the demo would use."""


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    agency: str
    roles: tuple[str, ...]


def sharetown_spec() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((SHARETOWN / "partnership.json").read_text("utf-8"))
    return spec


def sharetown_accounts() -> list[DemoAccount]:
    return [
        DemoAccount(u["username"], u["full_name"], u["agency"], tuple(u["roles"]))
        for u in sharetown_spec()["users"]
    ]


def sharetown_is_loaded() -> bool:
    from fullpicture.demo.models import DemoLoad

    return DemoLoad.objects.filter(name=DEMO_NAME).exists()


def _check_no_conflict(spec: dict[str, Any]) -> None:
    clashes = [
        *(
            f"partnership {p['code']}"
            for p in spec["partnerships"]
            if Partnership.objects.filter(code=p["code"]).exists()
        ),
        *(
            f"agency {a['code']}"
            for a in spec["agencies"]
            if Agency.objects.filter(code=a["code"]).exists()
        ),
        *(
            f"user {u['username']}"
            for u in spec["users"]
            if Practitioner.objects.filter(username=u["username"]).exists()
        ),
    ]
    if clashes:
        raise DemoConflict(
            "This database already holds data the demo would overwrite: "
            + ", ".join(clashes[:5])
            + ". Point FULLPICTURE_HOME at an empty folder for the demo."
        )


def sharetown_load(*, say: Callable[[str], None] = lambda _m: None) -> bool:
    """Load Sharetown once; returns False if it was already loaded (nothing changes)."""
    from fullpicture.demo.models import DemoLoad

    if sharetown_is_loaded():
        return False
    spec = sharetown_spec()
    _check_no_conflict(spec)
    with transaction.atomic():
        partnerships = {
            p["code"]: Partnership.objects.create(
                code=p["code"],
                name=p["name"],
                postcode_districts=p.get("postcode_districts", []),
                office_phone=p.get("office_phone", ""),
                out_of_hours_phone=p.get("out_of_hours_phone", ""),
            )
            for p in spec["partnerships"]
        }
        agencies = {
            a["code"]: Agency.objects.create(
                code=a["code"],
                name=a["name"],
                type=a["type"],
                partnership=partnerships.get(a.get("partnership", "")),
            )
            for a in spec["agencies"]
        }
        roles = {r.code: r for r in Role.objects.all()}
        for u in spec["users"]:
            given, _, family = u["full_name"].partition(" ")
            user = Practitioner(
                username=u["username"],
                first_name=given,
                last_name=family,
                agency=agencies.get(u.get("agency", "")),
                job_title=u.get("job_title", ""),
                is_staff="administrator" in u["roles"],
                is_superuser="administrator" in u["roles"],
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.roles.set([roles[r] for r in u["roles"]])
        say(
            f"Created {len(partnerships)} partnerships, {len(agencies)} agencies, "
            f"{len(spec['users'])} demo accounts."
        )
        for path in sorted((SHARETOWN / "records").glob("*.csv")):
            result = records_import_file(agency=agencies[path.stem], path=path, actor=ACTOR)
            say(f"Records {path.stem}: {result.created} created.")
        summary = link_pending(actor=ACTOR)
        say(
            f"Linked: {summary.linked} linked, {summary.review} for review, "
            f"{summary.new_person} new persons."
        )
        rel_path = SHARETOWN / "relationships.csv"
        if rel_path.exists():
            count = relationships_import(
                rows=read_rows(rel_path, columns=RELATIONSHIP_COLUMNS), file=rel_path.name
            )
            say(f"Relationships: {count}.")
        for path in sorted((SHARETOWN / "items").glob("*.csv")):
            items = items_import_file(agency=agencies[path.stem], path=path, actor=ACTOR)
            say(f"Items {path.stem}: {items.created} created.")
        # Households from the agencies' data: addresses, relationships, items naming two.
        households = households_update(actor=ACTOR)
        say(
            f"Households: {households.formed} formed from the agencies' data; "
            f"{households.shared_addresses} shared addresses (never a household)."
        )
        # Who works with the Walsh family, and what each agency's feed covers (docs/feeds.md).
        for path in sorted((SHARETOWN / "involvements").glob("*.csv")):
            involvements_import_file(agency=agencies[path.stem], path=path, actor=ACTOR)
        feed_coverage_load_file(path=SHARETOWN / "feeds.csv")
        sharetown_sharing_load(actor=ACTOR, say=say)  # agreements, shares, withholds, a request
        alerts_demo_load(say=say)
        training_demo_load(say=say)  # a ready Sharetown exercise, two self-assessments
        frontdoor_demo_load(say=say)  # contacts in every state, the Walsh family's too
        meetings_demo_load(say=say)  # a held strategy discussion about the Walsh family
        governance_demo_load(say=say)  # an approved learning review of the Walsh family
        DemoLoad.objects.create(name=DEMO_NAME)
    return True
