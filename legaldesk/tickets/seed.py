"""Reference data: delegations and topics, loaded idempotently by `legaldesk seed`."""

from __future__ import annotations

from legaldesk.auth.services import seed_regions
from legaldesk.tickets.services import save_topic


def seed_reference_data() -> dict[str, int]:
    """Insert or update regions and topics (never touches users or tickets). Caller commits."""
    from legaldesk.tickets.vocabulary import DEFAULT_TOPICS

    new_regions = seed_regions()
    for spec in DEFAULT_TOPICS:
        save_topic(
            None, spec["code"], label_fr=spec["label_fr"], label_en=spec.get("label_en", ""),
            default_level=spec["default_level"], specialty=spec.get("specialty"),
            keywords=spec.get("keywords", {}),
        )
    return {"regions_added": new_regions, "topics": len(DEFAULT_TOPICS)}
