"""The review workflow's rules, without a database."""

from __future__ import annotations

import itertools

import pytest

from lessonplan.domain.review import (
    REVIEW_STATES,
    TRANSITIONS,
    InvalidTransitionError,
    NoteRequiredError,
    check_transition,
    parse_state,
)


def test_the_happy_path_reaches_published_one_step_at_a_time() -> None:
    path = ["draft", "in_review", "approved", "published"]
    for current, target in itertools.pairwise(path):
        assert check_transition(current, target, None) is None  # type: ignore[arg-type]


def test_skipping_review_is_refused_and_the_error_says_where_it_can_go() -> None:
    with pytest.raises(InvalidTransitionError) as caught:
        check_transition("draft", "published", None)
    assert str(caught.value) == (
        "the version is draft and cannot become published: from draft it can go to in_review, "
        "rejected"
    )
    assert caught.value.http_status == 409


def test_a_rejection_and_an_unpublish_need_a_note() -> None:
    for current in ("draft", "in_review", "approved", "published"):
        with pytest.raises(NoteRequiredError, match="needs a note"):
            check_transition(current, "rejected", "   ")  # type: ignore[arg-type]
    with pytest.raises(NoteRequiredError, match="unpublishing"):
        check_transition("published", "approved", None)
    assert check_transition("in_review", "rejected", "  Dialogue too hard for A1 ") == (
        "Dialogue too hard for A1"
    )


def test_no_state_moves_to_itself_and_every_state_can_be_left() -> None:
    for state in REVIEW_STATES:
        assert TRANSITIONS[state], state
        with pytest.raises(InvalidTransitionError, match="already"):
            check_transition(state, state, "note")


def test_states_are_read_from_what_people_type() -> None:
    assert parse_state("In-Review") == "in_review"
    assert parse_state(" published ") == "published"
    with pytest.raises(InvalidTransitionError, match="unknown review state 'done'"):
        parse_state("done")
