"""The plan path holds descriptors in process; a change made by another process (another
store on the same database) is seen on the next request, and an import here drops them."""

from __future__ import annotations

import pytest

from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.errors import UnknownDescriptorError
from lessonplan.service.plans import PlanInputs, get_plan, plan_key
from lessonplan.store import Store
from lessonplan.store.engine import create_engine
from lessonplan.store.sql import descriptors as descriptors_table
from tests.service.conftest import RuntimeFactory


async def test_another_process_changing_a_descriptor_changes_the_key(
    make_runtime: RuntimeFactory, store: Store
) -> None:
    rt = await make_runtime()
    held = await rt.store.get_descriptor(uid="JF:105", cached=True)
    assert held is not None
    inputs = PlanInputs(held, LearnerProfile.anonymous(), PrelessonKit())
    first = await get_plan(rt, inputs)
    assert (await get_plan(rt, inputs)).source == "cache"

    other = Store(create_engine(store.url), url=store.url)  # another process, same database
    try:
        changed = held.model_copy(update={"description_en": held.description_en + " (revised)"})
        await other.upsert_descriptors(descriptors=[changed])
    finally:
        await other.close()

    again = PlanInputs(held, LearnerProfile.anonymous(), PrelessonKit())
    answer = await get_plan(rt, again)
    assert answer.source != "cache"  # a new key: the old plan was made for the old text
    assert again.descriptor.description_en.endswith("(revised)")
    assert answer.provenance.key_hash == plan_key(rt, again, rt.provider).key_hash
    assert answer.provenance.key_hash != first.provenance.key_hash
    assert (await get_plan(rt, again)).source == "cache"


async def test_an_import_through_the_store_drops_the_held_copy(
    make_runtime: RuntimeFactory,
) -> None:
    rt = await make_runtime()
    held = await rt.store.get_descriptor(uid="JF:105", cached=True)
    assert held is not None
    assert await rt.store.get_descriptor(uid="JF:105", cached=True) is held
    changed = held.model_copy(update={"title_en": "New title"})
    await rt.store.upsert_descriptors(descriptors=[changed])
    now = await rt.store.get_descriptor(uid="JF:105", cached=True)
    assert now is not None and now.title_en == "New title"


async def test_a_descriptor_removed_elsewhere_is_unknown(
    make_runtime: RuntimeFactory, store: Store
) -> None:
    rt = await make_runtime()
    held = await rt.store.get_descriptor(uid="JF:105", cached=True)
    assert held is not None
    async with store.transaction() as tx:
        await tx.conn.execute(descriptors_table.delete().where(descriptors_table.c.uid == "JF:105"))
    with pytest.raises(UnknownDescriptorError):
        await get_plan(rt, PlanInputs(held, LearnerProfile.anonymous(), PrelessonKit()))
