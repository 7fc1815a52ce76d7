"""Reads for accounts: users, the organisation tree and what a user's roles let them see."""

from __future__ import annotations

from sqlalchemy import or_

from app.accounts.models import Organisation, Role, User
from app.extensions import db


def scope_paths(user: User, role: Role | str = Role.COORDINATOR) -> list[str] | None:
    """Materialised paths of the subtrees ``user`` may see in ``role``.

    Administrators see everything: None means "no restriction". A user without the role sees
    nothing: an empty list.
    """
    if user.is_admin:
        return None
    paths: list[str] = []
    for scope in user.scopes(role):
        if scope is None:
            return None
        paths.append(scope.path)
    return paths


def in_scope_clause(path_column, paths: list[str] | None):
    """A SQL condition: ``path_column`` lies under one of ``paths`` (None: no restriction)."""
    if paths is None:
        return db.true()
    if not paths:
        return db.false()
    return or_(*(path_column.startswith(p, autoescape=True) for p in paths))


def visible_organisations(user: User, role: Role | str = Role.COORDINATOR) -> list[Organisation]:
    """Organisations in the user's scope, ordered as a tree (by path, then name)."""
    paths = scope_paths(user, role)
    stmt = db.select(Organisation).where(in_scope_clause(Organisation.path, paths))
    return list(db.session.scalars(stmt.order_by(Organisation.path)))


def can_see_organisation(
    user: User, org: Organisation, role: Role | str = Role.COORDINATOR
) -> bool:
    paths = scope_paths(user, role)
    if paths is None:
        return True
    return any(org.path.startswith(p) for p in paths)


def organisation_by_code(code: str) -> Organisation | None:
    return db.session.scalar(db.select(Organisation).where(Organisation.code == code))


def children(org: Organisation | None) -> list[Organisation]:
    parent_filter = (
        Organisation.parent_id.is_(None) if org is None else Organisation.parent_id == org.id
    )
    return list(
        db.session.scalars(db.select(Organisation).where(parent_filter).order_by(Organisation.name))
    )
