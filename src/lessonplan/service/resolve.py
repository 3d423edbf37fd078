"""A command's inputs from the store: the descriptor and the learner's profile.

Apart from :mod:`.compile` so that what answers from the cache (``lessonplan plan``, the
HTTP plan route) resolves its inputs without loading the compile path (stages, checks, the
Japanese text layer).
"""

from __future__ import annotations

import asyncio

from lessonplan.domain.models import CanDoDescriptor, LearnerProfile
from lessonplan.errors import BadInputError, UnknownDescriptorError
from lessonplan.service.runtime import Runtime


async def resolve_descriptor(rt: Runtime, can_do_id: str) -> CanDoDescriptor:
    descriptor = await rt.store.get_descriptor(uid=can_do_id, cached=True)  # verified on use
    if descriptor is None:
        raise UnknownDescriptorError(
            f"unknown Can-Do descriptor {can_do_id!r} (see `lessonplan catalog list`)"
        )
    return descriptor


async def resolve_profile(
    rt: Runtime, profile: LearnerProfile | None, learner_id: str | None
) -> LearnerProfile:
    if profile is not None:
        return profile
    if learner_id:
        stored = await rt.store.get_profile(learner_id=learner_id)
        if stored is None:
            raise BadInputError(f"no stored profile for learner {learner_id!r}")
        return stored
    return LearnerProfile.anonymous()


async def resolve_inputs(
    rt: Runtime, can_do_id: str, profile: LearnerProfile | None, learner_id: str | None
) -> tuple[CanDoDescriptor, LearnerProfile]:
    """The descriptor and the learner's profile: read concurrently when the profile is a
    stored one; one after the other otherwise (no task for what needs no read)."""
    if profile is None and learner_id:
        descriptor, learner = await asyncio.gather(
            resolve_descriptor(rt, can_do_id), resolve_profile(rt, profile, learner_id)
        )
        return descriptor, learner
    return await resolve_descriptor(rt, can_do_id), await resolve_profile(rt, profile, None)
