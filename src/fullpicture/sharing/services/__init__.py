"""Writes for sharing, one module per thing a person does.

- ``items``: keeping items with their persons, and the policy facts kept on each item
- ``agreements``: information sharing agreements (the IG lead)
- ``decisions``: decisions to share and to withhold
- ``requests``: information requests
- ``break_glass``: access for immediate risk
- ``notifications``: what a practitioner reads
- ``review_grants``: a learning review's access
- ``episodes``: early-help episodes, with consent on record (a work context)
- ``retention``: disposing of items

The item feed lives in ``sharing.feeds``. Every name stays importable from here.
"""

from fullpicture.sharing.consent import record_consents_refresh, record_consents_refresh_for_items
from fullpicture.sharing.errors import SharingRefused
from fullpicture.sharing.feeds import (
    ITEM_COLUMNS,
    ItemImportResult,
    ItemRow,
    item_row_parse,
    items_import,
    items_import_file,
)
from fullpicture.sharing.services.agreements import (
    _NEEDS_SCHEDULE_1,
    AcceptanceState,
    AgreementTerms,
    PartyTerms,
    agreement_accept,
    agreement_acceptance_state,
    agreement_create,
    agreement_suspend,
    agreement_terms_check,
    agreement_update,
)
from fullpicture.sharing.services.break_glass import (
    BREAK_GLASS_PURPOSES,
    break_glass_end,
    break_glass_review,
    break_glass_start,
    ig_leads_for,
)
from fullpicture.sharing.services.common import (
    ONE_OFF_BASIS,
    StaleEdit,
)
from fullpicture.sharing.services.decisions import (
    GOLDEN_RULE_CODES,
    GOLDEN_RULES,
    ONE_OFF_PURPOSES,
    DecisionOutcome,
    ShareReason,
    WithholdReasonGiven,
    item_decision_withdraw,
    item_share,
    item_withhold,
)
from fullpicture.sharing.services.episodes import early_help_episode_start
from fullpicture.sharing.services.items import (
    item_ids_for_sources,
    item_protect,
    items_follow_records,
    items_refresh_persons,
    items_refresh_policy_facts,
)
from fullpicture.sharing.services.notifications import (
    notification_mark_read,
)
from fullpicture.sharing.services.requests import (
    RequestAnswer,
    information_request_answer,
    information_request_create,
)
from fullpicture.sharing.services.retention import (
    ANONYMISE,
    ERASE,
    ItemDisposalOrder,
    ItemDisposalResult,
    ItemRetentionFacts,
    items_dispose,
    items_retention_facts,
)
from fullpicture.sharing.services.review_grants import (
    REVIEW_GRANT_DAYS,
    review_grant_create,
    review_grant_end,
    review_grant_tell_agencies,
)

__all__ = [
    "ANONYMISE",
    "BREAK_GLASS_PURPOSES",
    "ERASE",
    "GOLDEN_RULES",
    "GOLDEN_RULE_CODES",
    "ITEM_COLUMNS",
    "ONE_OFF_BASIS",
    "ONE_OFF_PURPOSES",
    "REVIEW_GRANT_DAYS",
    "_NEEDS_SCHEDULE_1",
    "AcceptanceState",
    "AgreementTerms",
    "DecisionOutcome",
    "ItemDisposalOrder",
    "ItemDisposalResult",
    "ItemImportResult",
    "ItemRetentionFacts",
    "ItemRow",
    "PartyTerms",
    "RequestAnswer",
    "ShareReason",
    "SharingRefused",
    "StaleEdit",
    "WithholdReasonGiven",
    "agreement_accept",
    "agreement_acceptance_state",
    "agreement_create",
    "agreement_suspend",
    "agreement_terms_check",
    "agreement_update",
    "break_glass_end",
    "break_glass_review",
    "break_glass_start",
    "early_help_episode_start",
    "ig_leads_for",
    "information_request_answer",
    "information_request_create",
    "item_decision_withdraw",
    "item_ids_for_sources",
    "item_protect",
    "item_row_parse",
    "item_share",
    "item_withhold",
    "items_dispose",
    "items_follow_records",
    "items_import",
    "items_import_file",
    "items_refresh_persons",
    "items_refresh_policy_facts",
    "items_retention_facts",
    "notification_mark_read",
    "record_consents_refresh",
    "record_consents_refresh_for_items",
    "review_grant_create",
    "review_grant_end",
    "review_grant_tell_agencies",
]
