"""SQLite storage of parsed reports: schema migrations, writes and reads."""
from reportmine.store.db import Store

__all__ = ["Store"]
