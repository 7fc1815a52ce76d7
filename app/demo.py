"""Demo data: organisations with real municipality names and four demo accounts.

Only ever created when asked (``flask --app wsgi demo seed``, which ``make run`` calls on an empty
database). Production start-up never creates accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.accounts.models import Organisation, Role, User
from app.accounts.services import NewUser, create_organisation, create_user
from app.extensions import db

DEMO_PASSWORD = "demo-password"  # noqa: S105 - documented demo credential, only in demo data


# country code, country name (own language), English name, municipalities: (ISO 3166-2, name, [libraries])
DEMO_ORGANISATIONS = [
    (
        "LV",
        "Latvija",
        "Latvia",
        [
            (
                "LV-041",
                "Jelgavas novads",
                [
                    "Jelgavas novada Centrālā bibliotēka",
                    "Ozolnieku bibliotēka",
                    "Elejas bibliotēka",
                ],
            ),
            ("LV-JEL", "Jelgava", ["Jelgavas pilsētas bibliotēka"]),
            (
                "LV-111",
                "Augšdaugavas novads",
                [
                    "Augšdaugavas novada Centrālā bibliotēka",
                    "Ilūkstes pilsētas bibliotēka",
                    "Subates pilsētas bibliotēka",
                ],
            ),
        ],
    ),
    (
        "LT",
        "Lietuva",
        "Lithuania",
        [
            (
                "LT-34",
                "Pasvalio rajono savivaldybė",
                [
                    "Pasvalio Mariaus Katiliškio viešoji biblioteka",
                    "Joniškėlio biblioteka",
                    "Pumpėnų biblioteka",
                ],
            ),
            (
                "LT-33",
                "Panevėžio rajono savivaldybė",
                ["Panevėžio rajono savivaldybės viešoji biblioteka"],
            ),
        ],
    ),
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str
    note: str


DEMO_ACCOUNTS = [
    DemoAccount(
        "learner@example.org",
        "Ilze Bērziņa-Ķēniņa",
        Role.LEARNER,
        "librarian, Ozolnieku bibliotēka",
    ),
    DemoAccount("trainer@example.org", "Rūta Kazlauskienė", Role.TRAINER, "course author"),
    DemoAccount(
        "coordinator@example.org",
        "Māris Ozoliņš",
        Role.COORDINATOR,
        "methodical centre, scoped to Jelgavas novads",
    ),
    DemoAccount("admin@example.org", "Gintarė Žemaitytė", Role.ADMIN, "administrator"),
]


def is_seeded() -> bool:
    return db.session.scalar(db.select(db.func.count()).select_from(User)) > 0


def seed_organisations() -> dict[str, Organisation]:
    """Create the demo tree; returns organisations by code or name."""
    found: dict[str, Organisation] = {}
    for code, name, name_en, municipalities in DEMO_ORGANISATIONS:
        country = create_organisation("country", name, code=code, name_en=name_en)
        found[code] = country
        for muni_code, muni_name, libraries in municipalities:
            muni = create_organisation("municipality", muni_name, parent=country, code=muni_code)
            found[muni_code] = muni
            for index, library_name in enumerate(libraries, start=1):
                library = create_organisation(
                    "library", library_name, parent=muni, code=f"{muni_code}-L{index:02d}"
                )
                found[library_name] = library
    return found


def seed() -> list[DemoAccount]:
    """Create demo organisations and accounts in the current transaction."""
    orgs = seed_organisations()
    home = orgs["Ozolnieku bibliotēka"]
    scope = {
        Role.COORDINATOR: orgs["LV-041"],
    }
    for account in DEMO_ACCOUNTS:
        roles: list[tuple[str, Organisation | None]] = [
            (account.role.value, scope.get(account.role))
        ]
        if account.role != Role.LEARNER:
            roles.append((Role.LEARNER.value, None))
        create_user(
            NewUser(
                email=account.email,
                full_name=account.name,
                roles=tuple(roles),
                library=home if account.role in (Role.LEARNER, Role.COORDINATOR) else None,
                password=DEMO_PASSWORD,
                preferred_language=None,
            )
        )
    return DEMO_ACCOUNTS
