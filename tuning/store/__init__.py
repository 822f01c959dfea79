"""The store: the one source of truth for tuning jobs (a SQLite file or any SQLAlchemy URL).

``from tuning.store import Store`` is the public way in; :mod:`tuning.store.database` holds
the tables and the reads and writes, :mod:`tuning.store.url` which database is meant and
what to say when it cannot be opened.
"""

from tuning.store.database import Store, default_home

__all__ = ["Store", "default_home"]
