"""One repository per aggregate, all bound to the connection of one transaction.

They are reached through :class:`lessonplan.store.unit_of_work.Transaction` (``tx.cache``,
``tx.versions``, ``tx.lessons``, ``tx.events``, ``tx.catalog``, ``tx.learners``); none opens a
connection or commits on its own.
"""
