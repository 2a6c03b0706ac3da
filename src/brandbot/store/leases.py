"""Jobs that run once across replicas, and work that a dead replica leaves behind."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from brandbot.store.db import Database
from brandbot.store.models import Lease, Request, utcnow

UNFINISHED = ("received", "drafting")


class Leases:
    def __init__(self, db: Database, owner: str) -> None:
        self._db = db
        self.owner = owner

    def acquire(self, name: str, ttl: timedelta) -> bool:
        """True if this process holds `name` until now + ttl: it was free, expired, or already ours."""
        now = utcnow()
        try:
            with self._db.session() as session:
                taken = session.execute(
                    update(Lease)
                    .where(Lease.name == name, or_(Lease.expires_at < now, Lease.owner == self.owner))
                    .values(owner=self.owner, expires_at=now + ttl)
                    .returning(Lease.name)
                ).first()
                if taken is not None:
                    return True
                if session.get(Lease, name) is None:
                    session.add(Lease(name=name, owner=self.owner, expires_at=now + ttl))
                    session.flush()
                    return True
                return False
        except IntegrityError:
            return False

    def work_on(self, request_id: str) -> None:
        """Marks a request as this process's, so others leave it alone while the heartbeat is fresh."""
        with self._db.session() as session:
            session.execute(
                update(Request).where(Request.id == request_id).values(worker=self.owner, heartbeat_at=utcnow())
            )

    def heartbeat(self) -> int:
        """Refreshes every unfinished request this process is working on."""
        with self._db.session() as session:
            result = session.execute(
                update(Request)
                .where(Request.worker == self.owner, Request.status.in_(UNFINISHED))
                .values(heartbeat_at=utcnow())
                .returning(Request.id)
            )
            return len(result.all())

    def adopt_orphans(self, stale_after: timedelta, origin: str) -> list[str]:
        """Takes over unfinished requests whose worker stopped beating; each is adopted by one replica."""
        cutoff: datetime = utcnow() - stale_after
        with self._db.session() as session:
            candidates = session.scalars(
                select(Request.id).where(
                    Request.origin == origin,
                    Request.status.in_(UNFINISHED),
                    Request.heartbeat_at.is_not(None),
                    Request.heartbeat_at < cutoff,
                )
            ).all()
        adopted = []
        for request_id in candidates:
            with self._db.session() as session:
                taken = session.execute(
                    update(Request)
                    .where(Request.id == request_id, Request.heartbeat_at < cutoff)
                    .values(worker=self.owner, heartbeat_at=utcnow())
                    .returning(Request.id)
                ).first()
            if taken is not None:
                adopted.append(request_id)
        return adopted
