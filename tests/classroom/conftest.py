"""A shared server for a class: an embedded PostgreSQL on 127.0.0.1 with password logins,
as an instructor's would be."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from trainer.bootstrap import embedded_server
from trainer.db.servers.embedded import EmbeddedServer


@pytest.fixture(scope="module")
def shared_server() -> Iterator[EmbeddedServer]:
    server = embedded_server(tcp=True)
    yield server
    server.stop()
