"""One OS process of the cross-process stampede test: N concurrent identical plan requests.

Run as ``python -m tests.e2e.stampede_worker N CAN_DO_ID``; settings come from the environment
(``LESSONPLAN_DATABASE_URL``, ``LESSONPLAN_LLM``, ``OPENAI_BASE_URL``). Prints the sources as JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys

from lessonplan.config import get_settings
from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.service.plans import PlanInputs, get_plan
from lessonplan.service.runtime import Runtime


async def main(count: int, can_do_id: str) -> None:
    rt = await Runtime.open(get_settings())
    try:
        descriptor = await rt.store.get_descriptor(uid=can_do_id)
        assert descriptor is not None
        inputs = PlanInputs(descriptor, LearnerProfile(learner_id="crowd"), PrelessonKit())
        results = await asyncio.gather(*(get_plan(rt, inputs) for _ in range(count)))
        print(json.dumps([r.source for r in results]))
    finally:
        await rt.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
