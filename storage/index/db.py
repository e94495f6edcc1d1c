"""Opening the index: one engine per process, the schema brought up to date by migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from schemas.errors import IndexUnavailable
from storage.index import migrate
from storage.index.engine import make_engine

__all__ = ["Index", "make_engine"]


class Index:
    """The index connection: a session factory plus schema migration."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_schema(self) -> None:
        """Run the Alembic migrations up to head: idempotent, safe from concurrent processes.

        An unreachable database, or one whose migration lock stays taken, is retryable.
        """
        try:
            migrate.upgrade(self.engine)
        except (OperationalError, InterfaceError) as exc:
            raise IndexUnavailable(str(exc.orig)[:200]) from exc
        except TimeoutError as exc:
            raise IndexUnavailable(str(exc)[:200]) from exc

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on error; DB down → retryable."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except DBAPIError as exc:
            session.rollback()
            if exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError)):
                raise IndexUnavailable(str(exc.orig)[:200]) from exc
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A bare connection for a lookup every request makes: no ORM session, half its CPU.
        Its transaction is committed, not rolled back: it wrote nothing, and on PostgreSQL a
        ROLLBACK costs both sides more than a COMMIT. DB down → retryable."""
        try:
            with self.engine.connect() as connection:
                yield connection
                connection.commit()
        except DBAPIError as exc:
            if exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError)):
                raise IndexUnavailable(str(exc.orig)[:200]) from exc
            raise

    def dispose(self) -> None:
        self.engine.dispose()
