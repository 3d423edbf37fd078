"""What a lesson aims at, shared by the planner prompt (which asks for it) and the quality
checks (which hold a lesson to it). Apart from :mod:`.quality` so that building or keying a
prompt does not load the checks."""

from __future__ import annotations

# A lesson teaches about 20–30 words (issue #11): warning outside, error outside the wide range.
LESSON_WORDS = (20, 30)
LESSON_WORDS_HARD = (12, 40)
# Share of a lesson's JLPT-tagged words above the level's band: warning above, error above hard.
ABOVE_LEVEL_SHARE = 0.3
ABOVE_LEVEL_SHARE_HARD = 0.6
