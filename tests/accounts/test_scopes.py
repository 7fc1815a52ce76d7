"""Coordinators see their organisation subtree only; administrators see everything."""

from __future__ import annotations

import pytest

from app.accounts.models import Organisation, User
from app.accounts.queries import can_see_organisation, visible_organisations
from app.accounts.services import AccountError, create_organisation
from app.extensions import db


def test_coordinator_sees_only_their_subtree(app, factory):
    ids = factory.org_tree()
    coordinator = factory.user(
        email="coord@example.org", role="coordinator", scope_id=ids["Jelgavas novads"]
    )
    admin = factory.user(email="admin@example.org", role="admin")
    learner = factory.user(email="learner@example.org")
    with app.app_context():
        c = db.session.get(User, coordinator)
        names = {o.name for o in visible_organisations(c)}
        assert names == {"Jelgavas novads", "Ozolnieku bibliotēka", "Elejas bibliotēka"}
        pasvalys = db.session.get(
            Organisation, ids["Pasvalio Mariaus Katiliškio viešoji biblioteka"]
        )
        assert not can_see_organisation(c, pasvalys)
        assert can_see_organisation(c, db.session.get(Organisation, ids["Elejas bibliotēka"]))
        assert len(visible_organisations(db.session.get(User, admin))) == len(ids)
        assert visible_organisations(db.session.get(User, learner)) == []


def test_country_wide_coordinator(app, factory):
    ids = factory.org_tree()
    coordinator = factory.user(email="lt@example.org", role="coordinator", scope_id=ids["Lietuva"])
    with app.app_context():
        names = {o.name for o in visible_organisations(db.session.get(User, coordinator))}
    assert "Joniškėlio biblioteka" in names and "Ozolnieku bibliotēka" not in names
    assert len(names) == 7


def test_similar_paths_do_not_leak(app, ctx):
    # Node /1/ must not see /10/...: paths end with a slash.
    countries = [create_organisation("country", f"Valsts {n}") for n in range(1, 12)]
    db.session.commit()
    first = countries[0]
    assert all(not first.contains(c) for c in countries[1:])


def test_tree_shape_is_enforced(ctx):
    country = create_organisation("country", "Latvija")
    with pytest.raises(AccountError):
        create_organisation("library", "Bibliotēka bez novada", parent=country)
    with pytest.raises(AccountError):
        create_organisation("country", "Lietuva", parent=country)
