"""The studio's pages: thin routes that parse, call the service layer, and render a template.

Errors never come back as JSON here: a usage error (unknown lesson, a review move not allowed)
re-renders as a page with the message, a missing login redirects to ``/login``, a form without
its CSRF token is a 403 page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from lessonplan.catalog.search import CatalogQuery
from lessonplan.domain.lesson import STAGES, Lesson, StageName
from lessonplan.domain.review import LEARNER_VISIBLE, REVIEW_STATES, TRANSITIONS, parse_state
from lessonplan.errors import BadInputError, LessonplanError, UnknownLessonError, UsageError
from lessonplan.exports.view import is_japanese_lesson, lesson_language
from lessonplan.service.precompile import stage_cost
from lessonplan.service.runtime import Runtime
from lessonplan.studio.session import (
    CSRF_COOKIE,
    KEY_COOKIE,
    CsrfRejected,
    LoginRequired,
    StudioUser,
    check_csrf,
    current_user,
)
from lessonplan.studio.views import STATIC, render, stage_issues

PAGE_SIZE = 25


class StudioRoute(APIRoute):
    """Studio errors as pages: login redirects, CSRF refusals and usage errors rendered."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
            except CsrfRejected:
                return _error_page(
                    request,
                    403,
                    "This form has expired or did not come from the studio. "
                    "Reload the page and try again.",
                )
            except RequestValidationError as exc:
                fields = ", ".join(
                    ".".join(str(p) for p in err.get("loc", ())[1:]) or "request"
                    for err in exc.errors()
                )
                return _error_page(request, 422, f"Some fields are missing or invalid: {fields}.")
            except LessonplanError as exc:
                status = int(exc.http_status) if 400 <= int(exc.http_status) < 500 else 500
                message = str(exc) if status < 500 else "Something went wrong on the server."
                if status >= 500:
                    import logging

                    logging.getLogger("lessonplan.studio").exception("studio page failed")
                return _error_page(request, status, message)

        return guarded


router = APIRouter(route_class=StudioRoute, include_in_schema=False)


def mount(app: FastAPI) -> None:
    app.mount("/studio/static", StaticFiles(directory=str(STATIC)), name="studio-static")
    app.include_router(router)


# --- plumbing ------------------------------------------------------------------------------------


def _rt(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def _user(request: Request) -> StudioUser:
    return current_user(request)


def _page(
    request: Request, user: StudioUser | None, template: str, status: int = 200, **context: Any
) -> HTMLResponse:
    html = render(template, request=request, user=user, nav=_nav(request), **context)
    response = HTMLResponse(html, status_code=status)
    if user is not None and user.new_csrf:
        response.set_cookie(
            CSRF_COOKIE, user.csrf, httponly=True, samesite="strict", secure=_secure(request)
        )
    return response


def _nav(request: Request) -> str:
    path = request.url.path
    for prefix in ("/catalog", "/compile", "/lessons", "/dashboard"):
        if path.startswith(prefix):
            return prefix.strip("/")
    return "home"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _error_page(request: Request, status: int, message: str) -> HTMLResponse:
    user = current_user(request, signed_out_ok=True)
    return _page(request, user, "error.html", status=status, status_code=status, message=message)


class ReadOnlyKeyError(UsageError):
    """A change asked for with a key that may only read."""

    code = "admin_required"
    http_status = 403


def _require_editor(user: StudioUser) -> None:
    if not user.can_edit:
        raise ReadOnlyKeyError(
            "this needs an admin API key: you are signed in with a read-only key"
        )


def _editor(request: Request, token: str | None) -> StudioUser:
    """A change: the form's CSRF token must match, and the key must be allowed to edit."""
    user = _user(request)
    check_csrf(request, token)
    _require_editor(user)
    return user


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def _visible_lesson(
    request: Request, user: StudioUser, lesson_id: str, version: int | None
) -> Lesson:
    """What this user may read: editors any version, others published ones of their learners."""
    lesson = await _rt(request).store.get_lesson(
        lesson_id=lesson_id, version=version, published_only=not user.can_edit
    )
    if lesson is None or not user.caller.reaches(lesson.learner_id):
        which = f" version {version}" if version else ""
        published = "" if user.can_edit else " published"
        raise UnknownLessonError(f"no{published} lesson {lesson_id!r}{which}")
    return lesson


# --- login ---------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str = "/") -> HTMLResponse:
    ring = request.app.state.key_ring
    if not ring.configured:
        return _redirect("/")  # type: ignore[return-value]
    return _page(
        request,
        current_user(request, signed_out_ok=True),
        "login.html",
        next=_safe_next(next),
        error=None,
    )


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    api_key: Annotated[str, Form(max_length=500)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    user = current_user(request, signed_out_ok=True)
    check_csrf(request, csrf_token)
    ring = request.app.state.key_ring
    caller = ring.caller(api_key.strip()) if api_key.strip() else None
    if caller is None:
        return _page(
            request,
            user,
            "login.html",
            status=403,
            next=_safe_next(next),
            error="That API key is not valid.",
        )
    response = _redirect(_safe_next(next))
    response.set_cookie(
        KEY_COOKIE,
        api_key.strip(),
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        max_age=12 * 3600,
    )
    return response


@router.post("/logout")
async def logout(
    request: Request, csrf_token: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    check_csrf(request, csrf_token)
    response = _redirect("/login")
    response.delete_cookie(KEY_COOKIE)
    return response


def _safe_next(target: str) -> str:
    """Only a path on this site (never ``//host`` or a scheme): no open redirect."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# --- home and catalog ----------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    user = _user(request)
    rt = _rt(request)
    lessons = await _lesson_rows(rt, user, limit=8)
    descriptors = await rt.store.count_descriptors()
    return _page(request, user, "home.html", lessons=lessons, descriptors=descriptors)


@router.get("/catalog", response_class=HTMLResponse)
async def catalog(
    request: Request,
    query: Annotated[str, Query(max_length=200)] = "",
    level: Annotated[str, Query(max_length=8)] = "",
    topic: Annotated[str, Query(max_length=100)] = "",
    skill: Annotated[str, Query(max_length=100)] = "",
    source: Annotated[str, Query(max_length=100)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    user = _user(request)
    select = CatalogQuery.build(
        query=query or None,
        level=level or None,
        topic=topic or None,
        skill=skill or None,
        source=source or None,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    items, total = await _rt(request).store.search_descriptors(query=select)
    filters = {"query": query, "level": level, "topic": topic, "skill": skill, "source": source}
    context: dict[str, Any] = {
        "items": items,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "filters": filters,
        "page_url": lambda n: "/catalog?" + urlencode({**filters, "page": n}),
    }
    if request.headers.get("hx-request") == "true":  # htmx swaps the results only
        return _page(request, user, "_catalog_results.html", **context)
    return _page(request, user, "catalog.html", **context)


@router.get("/catalog/{uid}", response_class=HTMLResponse)
async def descriptor_page(request: Request, uid: str) -> HTMLResponse:
    from lessonplan.service.resolve import resolve_descriptor

    user = _user(request)
    rt = _rt(request)
    descriptor = await resolve_descriptor(rt, uid)
    summaries = await rt.store.list_lessons(can_do_id=uid, published_only=not user.can_edit)
    lessons = [s for s in summaries if user.caller.reaches(s.learner_id)]
    return _page(request, user, "descriptor.html", d=descriptor, lessons=lessons)


# --- compile -------------------------------------------------------------------------------------


@router.get("/compile", response_class=HTMLResponse)
async def compile_form(
    request: Request, can_do_id: Annotated[str, Query(max_length=200)] = ""
) -> HTMLResponse:
    user = _user(request)
    _require_editor(user)
    rt = _rt(request)
    descriptors = await rt.store.list_descriptors()
    learners = await rt.store.list_learner_ids()
    return _page(
        request,
        user,
        "compile.html",
        descriptors=descriptors,
        learners=learners,
        chosen=can_do_id,
        stages=STAGES,
    )


@router.post("/compile")
async def compile_submit(
    request: Request,
    can_do_id: Annotated[str, Form(min_length=1, max_length=200)],
    learner_id: Annotated[str, Form(max_length=200)] = "",
    kit: Annotated[str, Form(max_length=65536)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Without JavaScript: compile, then show the lesson."""
    from lessonplan.service.compile import compile_lesson

    _editor(request, csrf_token)
    rt = _rt(request)
    profile = await _profile(rt, learner_id)
    result = await compile_lesson(rt, can_do_id, profile=profile, kit=_kit(kit))
    lesson = result.lesson
    return _redirect(f"/lessons/{quote(lesson.lesson_id)}?version={lesson.version}")


@router.post("/compile/stream")
async def compile_stream(
    request: Request,
    can_do_id: Annotated[str, Form(min_length=1, max_length=200)],
    learner_id: Annotated[str, Form(max_length=200)] = "",
    kit: Annotated[str, Form(max_length=65536)] = "",
) -> Response:
    """The compile page's script: server-sent events, each stage rendered as it arrives."""
    from sse_starlette import EventSourceResponse

    from lessonplan.service.resolve import resolve_descriptor
    from lessonplan.studio.progress import studio_compile_events

    _editor(request, request.headers.get("x-csrf-token"))
    rt = _rt(request)
    descriptor = await resolve_descriptor(rt, can_do_id)  # unknown: an error page, no stream
    profile = await _profile(rt, learner_id)
    events = studio_compile_events(rt, descriptor.uid, profile=profile, kit=_kit(kit))
    return EventSourceResponse(events, ping=15)


async def _profile(rt: Runtime, learner_id: str) -> Any:
    from lessonplan.domain.models import LearnerProfile

    if not learner_id.strip():
        return LearnerProfile.anonymous()
    profile = await rt.store.get_profile(learner_id=learner_id.strip())
    if profile is None:
        raise BadInputError(f"no stored learner {learner_id!r}")
    return profile


def _kit(raw: str) -> Any:
    from pydantic import ValidationError

    from lessonplan.domain.models import PrelessonKit

    if not raw.strip():
        return None
    try:
        return PrelessonKit.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "kit"
        raise BadInputError(f"the kit is not valid: {where}: {first['msg']}") from None


# --- lessons -------------------------------------------------------------------------------------


async def _lesson_rows(rt: Runtime, user: StudioUser, *, limit: int = 200) -> list[Any]:
    summaries = await rt.store.list_lessons(limit=limit, published_only=not user.can_edit)
    return [s for s in summaries if user.caller.reaches(s.learner_id)]


@router.get("/lessons", response_class=HTMLResponse)
async def lessons(request: Request) -> HTMLResponse:
    user = _user(request)
    rows = await _lesson_rows(_rt(request), user)
    return _page(request, user, "lessons.html", lessons=rows)


@router.get("/lessons/{lesson_id}", response_class=HTMLResponse)
async def lesson_page(
    request: Request,
    lesson_id: str,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    user = _user(request)
    rt = _rt(request)
    lesson = await _visible_lesson(request, user, lesson_id, version)
    versions = [
        v
        for v in await rt.store.lesson_versions(lesson_id=lesson_id)
        if user.can_edit or v.review_state == LEARNER_VISIBLE
    ]
    history = (
        await rt.store.review_history(lesson_id=lesson_id, version=lesson.version)
        if user.can_edit
        else []
    )
    descriptor = await rt.store.get_descriptor(uid=lesson.can_do_id, cached=True)
    japanese = is_japanese_lesson(lesson, descriptor)  # furigana and romaji toggles, lang
    stages = {name: lesson.stage_data(name) for name in STAGES}
    issues = {name: stage_issues(lesson, name) for name in STAGES}
    costs = {name: stage_cost(rt, record) for name, record in lesson.stages.items()}
    return _page(
        request,
        user,
        "lesson.html",
        lesson=lesson,
        d=descriptor,
        stages=stages,
        issues=issues,
        costs=costs,
        versions=versions,
        history=history,
        moves=TRANSITIONS[lesson.review_state],
        states=REVIEW_STATES,
        stage_names=STAGES,
        japanese=japanese,
        lang=lesson_language(lesson, descriptor),
    )


@router.post("/lessons/{lesson_id}/regenerate")
async def regenerate(
    request: Request,
    lesson_id: str,
    stage: Annotated[str, Form(max_length=32)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    from lessonplan.service.regenerate import regenerate_stage

    _editor(request, csrf_token)
    if stage not in STAGES:
        raise BadInputError(f"unknown stage {stage!r}: one of {', '.join(STAGES)}")
    name: StageName = stage
    result = await regenerate_stage(_rt(request), lesson_id, name)
    return _redirect(f"/lessons/{quote(lesson_id)}?version={result.lesson.version}#stage-{stage}")


@router.post("/lessons/{lesson_id}/review")
async def review(
    request: Request,
    lesson_id: str,
    state: Annotated[str, Form(max_length=32)],
    version: Annotated[int, Form(ge=1, le=2**31 - 1)],
    note: Annotated[str, Form(max_length=2000)] = "",
    by: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    from lessonplan.service.review import change_review_state

    user = _editor(request, csrf_token)
    actor = f"{by.strip()} ({user.label})" if by.strip() else user.label
    await change_review_state(
        _rt(request),
        lesson_id=lesson_id,
        version=version,
        to_state=parse_state(state),
        note=note,
        actor=f"{actor}, studio",
    )
    return _redirect(f"/lessons/{quote(lesson_id)}?version={version}#review")


@router.get("/lessons/{lesson_id}/export")
async def export(
    request: Request,
    lesson_id: str,
    format: Annotated[str, Query(max_length=8)],
    copy: Annotated[str, Query(max_length=16)] = "teacher",
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """The export buttons: the same files as ``GET /api/v1/lessons/{id}/export``."""
    from starlette.concurrency import run_in_threadpool

    from lessonplan.api.routes.exports import attachment
    from lessonplan.exports import export_lesson
    from lessonplan.exports.formats import MEDIA_TYPES
    from lessonplan.service.exports import lesson_for_export

    user = _user(request)
    if format not in MEDIA_TYPES:
        raise BadInputError(f"unknown export format {format!r}: one of {', '.join(MEDIA_TYPES)}")
    if copy not in ("teacher", "handout"):
        raise BadInputError(f"unknown copy {copy!r}: teacher or handout")
    lesson, descriptor = await lesson_for_export(
        _rt(request),
        lesson_id=lesson_id,
        version=version,
        reaches=user.caller.reaches,
        published_only=not user.can_edit,
    )
    made = await run_in_threadpool(
        export_lesson,
        lesson,
        format,
        descriptor=descriptor,
        copy=copy,  # type: ignore[arg-type]
        version=version,
    )
    return attachment(made)


# --- plan history --------------------------------------------------------------------------------


async def _lineage_of(rt: Runtime, lesson: Lesson) -> Any:
    from lessonplan.service import versions
    from lessonplan.service.plans import PlanInputs
    from lessonplan.service.resolve import resolve_descriptor

    descriptor = await resolve_descriptor(rt, lesson.can_do_id)
    profile, kit = await rt.store.get_lesson_inputs(lesson_id=lesson.lesson_id)
    inputs = PlanInputs(descriptor, profile, kit, lesson.metalanguage)
    return inputs, versions.lineage_for(rt, inputs)


@router.get("/lessons/{lesson_id}/plan", response_class=HTMLResponse)
async def plan_history(
    request: Request,
    lesson_id: str,
    v1: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    v2: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    from lessonplan.service import versions

    user = _user(request)
    _require_editor(user)
    rt = _rt(request)
    lesson = await _visible_lesson(request, user, lesson_id, None)
    _inputs, lineage = await _lineage_of(rt, lesson)
    items = await versions.list_versions(rt, lineage)
    diff = None
    if items and len(items) > 1:
        old = v1 or items[-2].version
        new = v2 or items[-1].version
        diff = await versions.diff_versions(rt, lineage, old, new)
    active = next((v for v in items if v.is_active), items[-1] if items else None)
    return _page(
        request,
        user,
        "plan.html",
        lesson=lesson,
        versions=list(reversed(items)),
        diff=diff,
        active=active,
        active_json=json.dumps(
            active.plan.model_dump(mode="json") if active else {}, ensure_ascii=False, indent=2
        ),
    )


@router.post("/lessons/{lesson_id}/plan/rollback")
async def plan_rollback(
    request: Request,
    lesson_id: str,
    version: Annotated[int, Form(ge=1, le=2**31 - 1)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    from lessonplan.service import versions

    user = _editor(request, csrf_token)
    rt = _rt(request)
    lesson = await _visible_lesson(request, user, lesson_id, None)
    _inputs, lineage = await _lineage_of(rt, lesson)
    created = await versions.rollback(rt, lineage, version)
    return _redirect(f"/lessons/{quote(lesson_id)}/plan?v1={version}&v2={created.version}")


@router.post("/lessons/{lesson_id}/plan/edit")
async def plan_edit(
    request: Request,
    lesson_id: str,
    plan: Annotated[str, Form(min_length=2, max_length=262144)],
    note: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    from lessonplan.service import versions

    user = _editor(request, csrf_token)
    try:
        data = json.loads(plan)
    except json.JSONDecodeError as exc:
        raise BadInputError(f"the plan is not JSON: line {exc.lineno}: {exc.msg}") from None
    rt = _rt(request)
    lesson = await _visible_lesson(request, user, lesson_id, None)
    inputs, lineage = await _lineage_of(rt, lesson)
    created = await versions.manual_edit(rt, lineage, inputs, data, note=note or None)
    previous = created.parent_version or max(1, created.version - 1)
    return _redirect(f"/lessons/{quote(lesson_id)}/plan?v1={previous}&v2={created.version}")


# --- dashboard -----------------------------------------------------------------------------------


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(
    request: Request,
    bucket: Annotated[str, Query(pattern="^(hour|day)$")] = "hour",
) -> HTMLResponse:
    from markupsafe import Markup

    from lessonplan.service.dashboard import dashboard_series, render_dashboard_charts
    from lessonplan.service.stats import compute_stats

    user = _user(request)
    if not user.sees_everyone:
        raise ReadOnlyKeyError("figures about every learner need a key not bound to learners")
    rt = _rt(request)
    stats = await compute_stats(rt)
    series = await dashboard_series(rt, bucket="day" if bucket == "day" else "hour")
    charts = {name: Markup(svg) for name, svg in render_dashboard_charts(series).items()}
    return _page(request, user, "dashboard.html", stats=stats, charts=charts, bucket=bucket)
