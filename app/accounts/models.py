"""Organisations, users and role grants."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db


class OrgKind(enum.StrEnum):
    COUNTRY = "country"
    MUNICIPALITY = "municipality"
    LIBRARY = "library"


CHILD_KIND = {OrgKind.COUNTRY: OrgKind.MUNICIPALITY, OrgKind.MUNICIPALITY: OrgKind.LIBRARY}


class Role(enum.StrEnum):
    LEARNER = "learner"
    TRAINER = "trainer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class Organisation(db.Model):
    """A node of the country → municipality → library tree.

    ``path`` is a materialised path of ids ("/1/7/42/") so that "everything under this node" is a
    single indexed prefix comparison in report queries.
    """

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str | None] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parent: Mapped[Organisation | None] = relationship(remote_side=[id], lazy="joined")

    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    def display_name(self, language: str) -> str:
        if language == "en" and self.name_en:
            return self.name_en
        return self.name

    def contains(self, other: Organisation | None) -> bool:
        """True when ``other`` is this organisation or lies below it."""
        return other is not None and other.path.startswith(self.path)

    def __repr__(self) -> str:
        return f"<Organisation {self.kind} {self.name!r}>"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased; the login matches case-insensitively.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    preferred_language: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    library_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Display settings (WCAG helpers chosen by the user, not guessed): text size in percent,
    # high-contrast theme, dyslexia-friendly spacing, reduced motion.
    text_size: Mapped[int] = mapped_column(Integer, default=100)
    high_contrast: Mapped[bool] = mapped_column(Boolean, default=False)
    dyslexia_spacing: Mapped[bool] = mapped_column(Boolean, default=False)
    reduced_motion: Mapped[bool] = mapped_column(Boolean, default=False)

    library: Mapped[Organisation | None] = relationship(lazy="joined")
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return bool(self.active)

    def has_role(self, role: Role | str) -> bool:
        return any(g.role == str(role) for g in self.grants)

    @property
    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    def scopes(self, role: Role | str) -> list[Organisation | None]:
        """Organisations under which ``role`` applies; None means the whole network."""
        return [g.organisation for g in self.grants if g.role == str(role)]

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class RoleGrant(db.Model):
    """A role held by a user, optionally limited to an organisation subtree (coordinators)."""

    __tablename__ = "role_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="grants")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("user_id", "role", "organisation_id"),)
