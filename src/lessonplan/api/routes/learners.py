"""``/learners/{learner_id}/profile``: store and read the profile that ``learner_id`` names."""

from __future__ import annotations

from fastapi import APIRouter

from lessonplan.api.deps import LearnerId, RuntimeDep
from lessonplan.api.errors import ApiProblem
from lessonplan.api.routes._common import problems
from lessonplan.api.schemas import ProfileBody
from lessonplan.api.security import CallerDep, require_learner
from lessonplan.domain.models import LearnerProfile

router = APIRouter(prefix="/learners", tags=["learners"])


@router.put(
    "/{learner_id}/profile",
    response_model=LearnerProfile,
    responses=problems(401, 403, 404, 413, 422),
    summary="Store (or replace) a learner's profile",
)
async def put_profile(
    rt: RuntimeDep, caller: CallerDep, learner_id: LearnerId, body: ProfileBody
) -> LearnerProfile:
    require_learner(caller, learner_id)
    if body.learner_id is not None and body.learner_id != learner_id:
        raise ApiProblem(
            422,
            "learner_id_mismatch",
            f"body learner_id {body.learner_id!r} differs from the path's {learner_id!r}",
        )
    data = body.model_dump(exclude_unset=True)
    data["learner_id"] = learner_id
    profile = LearnerProfile.model_validate(data)
    await rt.store.save_profile(profile=profile, now=rt.now())
    return profile


@router.get(
    "/{learner_id}/profile",
    response_model=LearnerProfile,
    responses=problems(401, 403, 404, 422),
    summary="A learner's stored profile",
)
async def get_profile(rt: RuntimeDep, caller: CallerDep, learner_id: LearnerId) -> LearnerProfile:
    require_learner(caller, learner_id)
    profile = await rt.store.get_profile(learner_id=learner_id)
    if profile is None:
        raise ApiProblem(404, "unknown_learner", f"no stored profile for learner {learner_id!r}")
    return profile
