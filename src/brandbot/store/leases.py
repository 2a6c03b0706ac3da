"""Jobs that run once across replicas at a time: the sweeps."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from brandbot.store.db import Database
from brandbot.store.models import Lease, utcnow


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
