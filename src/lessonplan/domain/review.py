"""The review workflow of a lesson version (pure: no I/O).

::

    draft ──► in_review ──► approved ──► published
      ▲  │        │  │          │  │          │
      │  └────────┴──┴──────────┴──┴──► rejected (a note says why)
      └──────────── reopen ◄──────────────────┘

Every version starts as ``draft`` (or ``published`` when the service auto-publishes). A change of
state is recorded as a new row of the version's history (who, when, from, to, note): states are
never overwritten without a trace. Learners are served the latest ``published`` version only.

Going back is allowed where a reviewer would expect it: ``in_review`` → ``draft`` (sent back),
``approved`` → ``in_review`` (look again), ``published`` → ``approved`` (unpublish, note required)
and ``rejected`` → ``draft`` (reopen).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from lessonplan.errors import UsageError

ReviewState = Literal["draft", "in_review", "approved", "published", "rejected"]
REVIEW_STATES: tuple[ReviewState, ...] = get_args(ReviewState)
INITIAL_STATE: ReviewState = "draft"
LEARNER_VISIBLE: ReviewState = "published"

TRANSITIONS: dict[ReviewState, tuple[ReviewState, ...]] = {
    "draft": ("in_review", "rejected"),
    "in_review": ("approved", "rejected", "draft"),
    "approved": ("published", "rejected", "in_review"),
    "published": ("approved", "rejected"),
    "rejected": ("draft",),
}
# Moves that must say why: a rejection, and taking back a published lesson.
NOTE_REQUIRED: frozenset[tuple[ReviewState, ReviewState]] = frozenset(
    {(state, "rejected") for state in REVIEW_STATES} | {("published", "approved")}
)
MAX_NOTE_CHARS = 2000
MAX_ACTOR_CHARS = 200


class InvalidTransitionError(UsageError):
    """A state change the workflow does not allow from the version's current state."""

    code = "invalid_transition"
    http_status = 409


class NoteRequiredError(UsageError):
    """A rejection (or an unpublish) without a note saying why."""

    code = "note_required"
    http_status = 422


class ReviewEvent(BaseModel):
    """One change of a version's review state: who made it, when, and why."""

    model_config = ConfigDict(frozen=True)

    lesson_id: str
    version: int
    from_state: ReviewState | None = Field(description="None for the state a version started in")
    to_state: ReviewState
    actor: str
    note: str | None = None
    at: datetime


def move_label(current: ReviewState, target: ReviewState) -> str:
    """What a button that makes this move says."""
    if target == "in_review":
        return "Back to review" if current == "approved" else "Submit for review"
    if target == "approved":
        return "Unpublish" if current == "published" else "Approve"
    return {"published": "Publish", "rejected": "Reject", "draft": "Back to draft"}.get(
        target, target
    )


def parse_state(text: str) -> ReviewState:
    """A state from user input (``in-review`` and ``In_Review`` are accepted)."""
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    for state in REVIEW_STATES:
        if state == key:
            return state
    raise InvalidTransitionError(
        f"unknown review state {text!r}: use one of {', '.join(REVIEW_STATES)}"
    )


def check_transition(current: ReviewState, target: ReviewState, note: str | None) -> str | None:
    """The cleaned note if ``current`` → ``target`` is allowed; else a typed error saying why."""
    cleaned = (note or "").strip() or None
    if cleaned is not None and len(cleaned) > MAX_NOTE_CHARS:
        raise NoteRequiredError(f"the note is {len(cleaned)} characters; at most {MAX_NOTE_CHARS}")
    if target == current:
        raise InvalidTransitionError(f"the version is already {current}")
    allowed = TRANSITIONS[current]
    if target not in allowed:
        raise InvalidTransitionError(
            f"the version is {current} and cannot become {target}: from {current} it can go to "
            + ", ".join(allowed)
        )
    if (current, target) in NOTE_REQUIRED and cleaned is None:
        why = "a rejection" if target == "rejected" else "unpublishing"
        raise NoteRequiredError(f'{why} needs a note saying why (--note / "note")')
    return cleaned


def clean_actor(actor: str) -> str:
    cleaned = " ".join(actor.split())[:MAX_ACTOR_CHARS]
    return cleaned or "unknown"
