"""The contract between the outbox dispatcher and channel senders: results and failure kinds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from legaldesk.notify.models import Outbox


class ChannelUnavailable(Exception):
    """The channel itself is down or misconfigured: the row is not to blame and stays as it was."""


class TemporaryFailure(Exception):
    """This row could not be sent now (4xx, rate limit): retry it later with back-off."""


class PermanentFailure(Exception):
    """This row can never be sent (invalid address, refused content): it goes dead at once."""


@dataclass(frozen=True)
class SendResult:
    """What a sender reports for an accepted message."""

    provider_id: str
    delivery_status: str = "sent"


class Sender(Protocol):
    """A channel sender: send one Outbox row, then close its connection at the end of a run."""

    def send(self, row: Outbox, now: datetime) -> SendResult:
        """Send the row or raise ChannelUnavailable / TemporaryFailure / PermanentFailure."""

    def close(self) -> None:
        """Release connections."""
