"""Leadership through the `oban_peers` table: of the instances of one name sharing a
database, one leads, and only the leader stages jobs and runs plugins (Cron, Pruner,
Lifeline), so a cron job is inserted once, not once per instance.

The leader row expires 30 s after each election (by the app clock); elections run every
15 s. A leader acts only while its row has not expired, re-electing first otherwise, so
two instances never both believe they lead. A stopping leader gives the row up and
signals the others, which elect at once.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any

from trainer import telemetry
from trainer.clock import utcnow
from trainer.jobs import queries

TERM = timedelta(seconds=30)
ELECT_EVERY = 15.0
log = logging.getLogger("trainer.oban")


class Peer:
    def __init__(self, repo: Any, name: str, ident: str, enabled: bool = True) -> None:
        self._repo, self.name, self.ident, self.enabled = repo, name, ident, enabled
        self._expires_at: datetime | None = None
        self._lock = threading.Lock()

    @property
    def leader(self) -> bool:
        """Whether this instance leads now (re-electing when its term has run out)."""
        if not self.enabled:
            return False
        with self._lock:
            expires_at = self._expires_at
        if expires_at is not None and utcnow() < expires_at:
            return True
        return self.elect()

    def elect(self) -> bool:
        if not self.enabled:
            return False
        now = utcnow()
        with self._lock:
            was_leader = self._expires_at is not None
            rows = self._repo.query(queries.load("elect"), {
                "name": self.name, "node": self.ident, "now": now,
                "expires_at": now + TERM})
            self._expires_at = now + TERM if rows else None
            leads = bool(rows)
        if leads != was_leader:
            telemetry.execute("oban.peer.election", {},
                              {"name": self.name, "peer": self.ident, "leader": leads,
                               "was_leader": was_leader})
        return leads

    def resign(self) -> bool:
        """Give the leader row up; True when this instance held it."""
        with self._lock:
            held, self._expires_at = self._expires_at is not None, None
        if held:
            self._repo.execute(queries.load("resign"), {"name": self.name, "node": self.ident})
        return held
