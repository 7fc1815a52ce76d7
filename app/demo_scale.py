"""A large demo data set for the reports and their benchmark:
``flask --app wsgi demo seed --learners 10000``.

* Organisations: Latvia's 43 and Lithuania's 60 municipalities with real library names, read from
  ``../shared/testdata/organisations`` (next to the project) when that folder exists, otherwise a
  small built-in list. Existing organisations (``demo seed``) are reused by code or name.
* Learners with realistic names: Latvian given names from the name-day list, Lithuanian given
  names and Latvian/Lithuanian surnames written here, each in its masculine or feminine form
  (Bērziņš / Bērziņa; Kazlauskas / Kazlauskienė / Kazlauskaitė).
* Over the last two years: enrolments in the courses of COURSES_DIR, module progress, quiz
  attempts with every answer (graded by ``app.learning.grading``), completions and certificates.

Rows are written with bulk INSERTs (``executemany`` in chunks) and explicit ids, never ORM objects
one by one. With the three shipped courses (five modules each), 10,000 learners give about 24,000
enrolments and 920,000 progress, attempt and answer rows (86,000 + 147,000 + 682,000; about 950,000
rows with enrolments and certificates) in about a minute on SQLite; the count grows with every
course added to COURSES_DIR (each learner takes one to three courses). On an empty database the
demo organisations and accounts of ``app.demo`` are created first.

Certificates made here are demo records: their PDF is a one-page placeholder saying so (rendering
thousands of real certificates would take minutes and prove nothing about the reports).
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from app import demo
from app.accounts.models import Organisation, OrgKind, Role, RoleGrant, User
from app.accounts.services import create_organisation
from app.certificates.models import Certificate
from app.config import PROJECT_ROOT
from app.courses.loader import load_courses
from app.courses.model import Course, Module, Question
from app.extensions import db
from app.learning.grading import grade
from app.learning.models import Enrolment, ModuleProgress, QuizAnswer, QuizAttempt

SCALE_DOMAIN = "staff.lasitava.example"
TESTDATA = PROJECT_ROOT.parent / "shared" / "testdata" / "organisations"
CHUNK = 5_000
DAYS = 730

# --- names ------------------------------------------------------------------------------------

# Latvian surnames: (masculine, feminine).
LV_SURNAMES = [
    ("Bērziņš", "Bērziņa"),
    ("Kalniņš", "Kalniņa"),
    ("Ozoliņš", "Ozoliņa"),
    ("Jansons", "Jansone"),
    ("Ozols", "Ozola"),
    ("Liepiņš", "Liepiņa"),
    ("Krūmiņš", "Krūmiņa"),
    ("Balodis", "Balode"),
    ("Eglītis", "Eglīte"),
    ("Zariņš", "Zariņa"),
    ("Pētersons", "Pētersone"),
    ("Vītols", "Vītola"),
    ("Kļaviņš", "Kļaviņa"),
    ("Kārkliņš", "Kārkliņa"),
    ("Vanags", "Vanaga"),
    ("Lācis", "Lāce"),
    ("Siliņš", "Siliņa"),
    ("Grīnbergs", "Grīnberga"),
    ("Strautiņš", "Strautiņa"),
    ("Ābols", "Ābola"),
    ("Šmits", "Šmite"),
    ("Zvirbulis", "Zvirbule"),
    ("Ķēniņš", "Ķēniņa"),
    ("Sproģis", "Sproģe"),
    ("Dūmiņš", "Dūmiņa"),
    ("Avotiņš", "Avotiņa"),
    ("Gailītis", "Gailīte"),
    ("Jurēvičs", "Jurēviča"),
    ("Ivanovs", "Ivanova"),
    ("Kuzņecovs", "Kuzņecova"),
    ("Rozenbergs", "Rozenberga"),
    ("Žagars", "Žagare"),
    ("Mežulis", "Mežule"),
    ("Ūdris", "Ūdre"),
    ("Leimanis", "Leimane"),
    ("Freimanis", "Freimane"),
    ("Celmiņš", "Celmiņa"),
    ("Birznieks", "Birzniece"),
    ("Kalējs", "Kalēja"),
    ("Zālītis", "Zālīte"),
    ("Gulbis", "Gulbe"),
    ("Apinis", "Apine"),
    ("Lapiņš", "Lapiņa"),
    ("Circenis", "Circene"),
    ("Liepa", "Liepa"),
    ("Priede", "Priede"),
    ("Skuja", "Skuja"),
    ("Šņore", "Šņore"),
    ("Dzenis", "Dzene"),
    ("Kociņš", "Kociņa"),
]

# Lithuanian surnames: (masculine, married feminine, unmarried feminine).
LT_SURNAMES = [
    ("Kazlauskas", "Kazlauskienė", "Kazlauskaitė"),
    ("Jankauskas", "Jankauskienė", "Jankauskaitė"),
    ("Petrauskas", "Petrauskienė", "Petrauskaitė"),
    ("Stankevičius", "Stankevičienė", "Stankevičiūtė"),
    ("Vasiliauskas", "Vasiliauskienė", "Vasiliauskaitė"),
    ("Žukauskas", "Žukauskienė", "Žukauskaitė"),
    ("Butkus", "Butkienė", "Butkutė"),
    ("Paulauskas", "Paulauskienė", "Paulauskaitė"),
    ("Urbonas", "Urbonienė", "Urbonaitė"),
    ("Kavaliauskas", "Kavaliauskienė", "Kavaliauskaitė"),
    ("Navickas", "Navickienė", "Navickaitė"),
    ("Ramanauskas", "Ramanauskienė", "Ramanauskaitė"),
    ("Pocius", "Pocienė", "Pociūtė"),
    ("Savickas", "Savickienė", "Savickaitė"),
    ("Žemaitis", "Žemaitienė", "Žemaitytė"),
    ("Šimkus", "Šimkienė", "Šimkutė"),
    ("Lukošius", "Lukošienė", "Lukošiūtė"),
    ("Balčiūnas", "Balčiūnienė", "Balčiūnaitė"),
    ("Mockus", "Mockienė", "Mockutė"),
    ("Vaitkus", "Vaitkienė", "Vaitkutė"),
    ("Kairys", "Kairienė", "Kairytė"),
    ("Rimkus", "Rimkienė", "Rimkutė"),
    ("Jonaitis", "Jonaitienė", "Jonaitytė"),
    ("Šukys", "Šukienė", "Šukytė"),
    ("Adomaitis", "Adomaitienė", "Adomaitytė"),
    ("Grigas", "Grigienė", "Grigaitė"),
    ("Mažeika", "Mažeikienė", "Mažeikaitė"),
    ("Bagdonas", "Bagdonienė", "Bagdonaitė"),
    ("Čepulis", "Čepulienė", "Čepulytė"),
    ("Dambrauskas", "Dambrauskienė", "Dambrauskaitė"),
]

LT_GIVEN_FEMININE = [
    "Ona",
    "Jūratė",
    "Rūta",
    "Aušra",
    "Gintarė",
    "Eglė",
    "Ieva",
    "Kristina",
    "Asta",
    "Vilma",
    "Daiva",
    "Rasa",
    "Laima",
    "Dalia",
    "Giedrė",
    "Inga",
    "Lina",
    "Ramunė",
    "Živilė",
    "Aistė",
    "Neringa",
    "Jurgita",
    "Vaida",
    "Birutė",
    "Danutė",
    "Irena",
    "Skaistė",
    "Indrė",
    "Agnė",
    "Gabija",
    "Austėja",
    "Dovilė",
    "Sigita",
    "Nijolė",
    "Regina",
    "Aldona",
]
LT_GIVEN_MASCULINE = [
    "Jonas",
    "Petras",
    "Antanas",
    "Tomas",
    "Mindaugas",
    "Darius",
    "Andrius",
    "Vytautas",
    "Kęstutis",
    "Saulius",
    "Gintaras",
    "Rimantas",
    "Algirdas",
    "Audrius",
    "Žygimantas",
    "Linas",
    "Marius",
    "Paulius",
    "Arūnas",
    "Šarūnas",
    "Giedrius",
    "Dainius",
    "Eimantas",
    "Julius",
    "Lukas",
    "Matas",
    "Povilas",
    "Vaidotas",
]

# Used only when ../shared/testdata is not there.
LV_GIVEN_FALLBACK = (
    [
        "Ilze",
        "Inese",
        "Dace",
        "Anita",
        "Līga",
        "Baiba",
        "Sandra",
        "Ieva",
        "Kristīne",
        "Zane",
        "Aija",
        "Māra",
        "Gunta",
        "Ināra",
        "Sarmīte",
        "Dzintra",
        "Solvita",
        "Ērika",
    ],
    [
        "Jānis",
        "Andris",
        "Māris",
        "Juris",
        "Edgars",
        "Kaspars",
        "Aivars",
        "Guntis",
        "Ģirts",
        "Pēteris",
        "Mārtiņš",
        "Uldis",
        "Raimonds",
        "Oskars",
        "Artūrs",
        "Valdis",
    ],
)
# Masculine Latvian names that do not end in -s/-š.
_LV_MASCULINE_EXCEPTIONS = {"Ivo", "Oto", "Hugo", "Bruno", "Marko", "Raivo", "Ojārs"}
# Women in the library network are the large majority.
FEMININE_SHARE = 0.85

# Wrong texts typed into text questions.
WRONG_TEXTS = {
    "lv": ["nezinu", "bibliotēka", "jā"],
    "lt": ["nežinau", "biblioteka", "taip"],
    "en": ["don't know", "library", "yes"],
}


def latvian_given_names(path: Path) -> tuple[list[str], list[str]]:
    """(feminine, masculine) from the name-day list: -a/-e are feminine, -s/-š masculine (with a
    few exceptions); names with other endings are left out as ambiguous."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return LV_GIVEN_FALLBACK
    feminine, masculine = set(), set()
    for names in data.values():
        for name in names:
            name = name.strip()
            if not name or not name[0].isupper() or " " in name:
                continue
            if name in _LV_MASCULINE_EXCEPTIONS or name.endswith(("s", "š")):
                masculine.add(name)
            elif name.endswith(("a", "e")):
                feminine.add(name)
    if len(feminine) < 20 or len(masculine) < 20:
        return LV_GIVEN_FALLBACK
    return sorted(feminine), sorted(masculine)


def ascii_slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return "".join(ch for ch in plain if ch.isalnum()) or "x"


class NameMaker:
    def __init__(self, rng: random.Random, lv_given: tuple[list[str], list[str]]):
        self.rng = rng
        self.lv_feminine, self.lv_masculine = lv_given

    def make(self, country: str) -> str:
        rng = self.rng
        feminine = rng.random() < FEMININE_SHARE
        if country == "LT":
            given = rng.choice(LT_GIVEN_FEMININE if feminine else LT_GIVEN_MASCULINE)
            masculine, married, maiden = rng.choice(LT_SURNAMES)
            if not feminine:
                return f"{given} {masculine}"
            surname = married if rng.random() < 0.65 else maiden
            if rng.random() < 0.04:  # a double surname: maiden name, then the married one
                other = rng.choice(LT_SURNAMES)
                surname = f"{other[2]}-{married}"
            return f"{given} {surname}"
        given = rng.choice(self.lv_feminine if feminine else self.lv_masculine)
        masc, fem = rng.choice(LV_SURNAMES)
        surname = fem if feminine else masc
        if feminine and rng.random() < 0.05:
            surname = f"{surname}-{rng.choice(LV_SURNAMES)[1]}"
        return f"{given} {surname}"


# --- organisations ----------------------------------------------------------------------------

# (country code, own name, English name)
COUNTRIES = {"LV": ("Latvija", "Latvia"), "LT": ("Lietuva", "Lithuania")}
# The main public library of each Latvian state city.
LV_CITY_LIBRARIES = {
    "LV-DGV": "Latgales Centrālā bibliotēka",
    "LV-JEL": "Jelgavas pilsētas bibliotēka",
    "LV-JUR": "Jūrmalas Centrālā bibliotēka",
    "LV-LPX": "Liepājas Centrālā zinātniskā bibliotēka",
    "LV-REZ": "Rēzeknes Centrālā bibliotēka",
    "LV-RIX": "Rīgas Centrālā bibliotēka",
    "LV-VEN": "Ventspils bibliotēka",
}
LIBRARY_KINDS = {
    "branch",
    "parish library",
    "town library",
    "municipal public library",
    "municipal central library",
    "children centre",
    "school library",
}

# Fallback: (country, [(municipality code, name, [libraries])]).
FALLBACK_ORGANISATIONS = [
    *[(code, municipalities) for code, _n, _e, municipalities in demo.DEMO_ORGANISATIONS],
    (
        "LV",
        [
            (
                "LV-RIX",
                "Rīga",
                [
                    "Rīgas Centrālā bibliotēka",
                    "Bolderājas filiālbibliotēka",
                    "Grīziņkalna filiālbibliotēka",
                ],
            ),
            ("LV-073", "Preiļu novads", ["Preiļu Galvenā bibliotēka", "Riebiņu bibliotēka"]),
        ],
    ),
    (
        "LT",
        [
            (
                "LT-43",
                "Šiaulių miesto savivaldybė",
                [
                    "Šiaulių miesto savivaldybės viešoji biblioteka",
                    "Lieporių filialas",
                    "Rėkyvos filialas",
                ],
            ),
            (
                "LT-50",
                "Tauragės rajono savivaldybė",
                [
                    "Tauragės rajono savivaldybės Birutės Baltrušaitytės viešoji biblioteka",
                    "Batakių filialas",
                ],
            ),
        ],
    ),
]


def _lt_full_name(short: str) -> str:
    """ "Alytaus m. sav." → "Alytaus miesto savivaldybė" (and r. → rajono, sav. → savivaldybė)."""
    name = short.replace(" m. sav.", " miesto savivaldybė").replace(
        " r. sav.", " rajono savivaldybė"
    )
    return name.replace(" sav.", " savivaldybė")


def _genitive_of_savivaldybe(name: str) -> str:
    return name[: -len("savivaldybė")] + "savivaldybės" if name.endswith("savivaldybė") else name


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def organisations_from_testdata(folder: Path) -> list[tuple[str, list[tuple[str, str, list[str]]]]]:
    """Municipalities with their libraries, from the shared test data (see its SOURCES.md)."""
    iso = _read_csv(folder / "iso3166-2_LV_LT.csv")
    lt_names = {
        row["level_2_region_code"]: _lt_full_name(row["level_2_region"])
        for row in _read_csv(folder / "lt_municipalities_covidregionaldata.csv")
        if row.get("level_2_region_code", "NA") not in ("", "NA")
    }
    seen = _read_csv(folder / "library_names_seen_in_public_pages.csv")
    libraries: dict[str, list[str]] = {}
    central: dict[str, str] = {}
    for row in seen:
        code = row["municipality_iso3166_2"]
        notes = row.get("notes", "").lower()
        if not code or row["kind"] not in LIBRARY_KINDS or "slēgta" in notes or "closed" in notes:
            continue
        if row["kind"].startswith("municipal"):
            central[code] = row["name"]
        else:
            libraries.setdefault(code, []).append(row["name"])
    result: dict[str, list[tuple[str, str, list[str]]]] = {"LV": [], "LT": []}
    for row in iso:
        code, country, kind = row["code"], row["country"], row["type"]
        if country == "LV":
            name = row["name"].replace(" Novads", " novads")
            if code in LV_CITY_LIBRARIES:
                main = central.get(code, LV_CITY_LIBRARIES[code])
            else:
                main = central.get(
                    code, name.replace(" novads", " novada") + " Centrālā bibliotēka"
                )
        elif "municipality" in kind.lower():
            name = lt_names.get(code)
            if name is None:
                continue
            main = central.get(code) or f"{_genitive_of_savivaldybe(name)} viešoji biblioteka"
        else:
            continue  # a Lithuanian county: not a level of the organisation tree
        result[country].append((code, name, [main, *libraries.get(code, [])]))
    return [(country, sorted(items)) for country, items in result.items()]


@dataclass
class Library:
    id: int
    country: str
    weight: int


def ensure_organisations(echo: Callable[[str], None]) -> list[Library]:
    """Create what is missing of the country → municipality → library tree; return every library
    with its country and a size weight (main libraries have more staff than branches)."""
    if TESTDATA.is_dir():
        tree = organisations_from_testdata(TESTDATA)
        echo(f"Organisations from {TESTDATA}.")
    else:
        tree = FALLBACK_ORGANISATIONS
        echo("Organisations from the built-in list (../shared/testdata not found).")
    existing = list(db.session.scalars(sa.select(Organisation)))
    by_code = {o.code: o for o in existing if o.code}
    by_parent_name = {(o.parent_id, o.name): o for o in existing}
    codes = set(by_code)
    has_library = {o.parent_id for o in existing if o.kind == OrgKind.LIBRARY.value}

    def get_or_create(
        kind: str,
        name: str,
        parent: Organisation | None,
        code: str | None,
        name_en: str | None = None,
    ) -> Organisation:
        org = by_code.get(code) if code else None
        org = org or by_parent_name.get((parent.id if parent else None, name))
        if org is None:
            org = create_organisation(
                kind, name, parent=parent, code=code if code not in codes else None, name_en=name_en
            )
            if org.code:
                codes.add(org.code)
                by_code[org.code] = org
            by_parent_name[(org.parent_id, org.name)] = org
        return org

    result: list[Library] = []
    for country_code, municipalities in tree:
        own, english = COUNTRIES[country_code]
        country = get_or_create("country", own, None, country_code, english)
        for muni_code, muni_name, library_names in municipalities:
            muni = get_or_create("municipality", muni_name, country, muni_code)
            names = list(library_names)
            if muni.id in has_library and names:
                names = names[1:]  # demo data already gave this municipality its main library
            for name in names:
                code = None
                n = 1
                while code is None or code in codes:
                    code = f"{muni.code or muni.id}-L{n:02d}"
                    n += 1
                get_or_create("library", name, muni, code)
    libraries = db.session.execute(
        sa.select(Organisation.id, Organisation.parent_id, Organisation.path)
        .where(Organisation.kind == OrgKind.LIBRARY.value)
        .order_by(Organisation.id)
    ).all()
    country_of = {
        o.id: o.code
        for o in db.session.scalars(
            sa.select(Organisation).where(Organisation.kind == OrgKind.COUNTRY.value)
        )
    }
    first_child: set[int] = set()
    for lib_id, parent_id, path in libraries:
        country_id = int(path.strip("/").split("/")[0])
        main = parent_id not in first_child
        first_child.add(parent_id)
        code = country_of.get(country_id) or "LV"
        result.append(Library(lib_id, "LT" if code == "LT" else "LV", 5 if main else 1))
    return result


# --- learning history -------------------------------------------------------------------------


@dataclass
class Rows:
    users: list[dict] = field(default_factory=list)
    grants: list[dict] = field(default_factory=list)
    enrolments: list[dict] = field(default_factory=list)
    progress: list[dict] = field(default_factory=list)
    attempts: list[dict] = field(default_factory=list)
    answers: list[dict] = field(default_factory=list)
    certificates: list[dict] = field(default_factory=list)

    def total(self) -> int:
        return sum(len(v) for v in vars(self).values())


class Ids:
    """Explicit primary keys, continuing after what the tables hold."""

    def __init__(self, tables: list[sa.Table]):
        self.next = {
            t.name: (db.session.scalar(sa.select(sa.func.max(t.c.id))) or 0) + 1 for t in tables
        }

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def _wrong_response(q: Question, rng: random.Random, lang: str):
    if q.kind == "single":
        wrong = [o.index for o in q.options if not o.correct]
        # Skewed: the first wrong option is the tempting one.
        return rng.choices(wrong, weights=[4, *([1] * (len(wrong) - 1))])[0] if wrong else 0
    if q.kind == "multiple":
        correct = [o.index for o in q.options if o.correct]
        wrong = [o.index for o in q.options if not o.correct]
        picked = set(correct[: max(1, len(correct) - 1)])
        if wrong:
            picked.add(wrong[0])
        return sorted(picked)
    if q.kind == "text":
        return rng.choice(WRONG_TEXTS.get(lang, WRONG_TEXTS["en"]))
    if q.kind == "numeric":
        high = q.numeric.high if q.numeric else 0
        return str(int(high + 1 + abs(high) * 0.5))
    if q.kind == "matching":
        answer = [p.choice for p in q.pairs]
        if len(answer) > 1:
            answer[0], answer[1] = answer[1], answer[0]
        return answer
    return None


def _right_response(q: Question, rng: random.Random):
    if q.kind == "single":
        return q.correct_indices[0] if q.correct_indices else 0
    if q.kind == "multiple":
        return list(q.correct_indices)
    if q.kind == "text":
        return rng.choice(q.text_answers) if q.text_answers else ""
    if q.kind == "numeric":
        value = (
            q.numeric.value
            if q.numeric and q.numeric.value is not None
            else ((q.numeric.low + q.numeric.high) / 2 if q.numeric else 0)
        )
        return f"{value:g}"
    if q.kind == "matching":
        return [p.choice for p in q.pairs]
    return None


PLACEHOLDER_PDF_TEXT = "Demo data: a placeholder, not a real certificate."


def placeholder_pdf() -> bytes:
    """A one-page PDF saying that this is demo data (ASCII text in a standard font)."""
    content = f"BT /F1 18 Tf 72 720 Td ({PLACEHOLDER_PDF_TEXT}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class History:
    """Simulates learners working through courses and collects the rows to insert."""

    def __init__(self, rng: random.Random, courses: list[Course], ids: Ids, now: datetime):
        self.rng = rng
        self.courses = courses
        self.ids = ids
        self.now = now
        self.pdf = placeholder_pdf()
        self.pdf_sha = hashlib.sha256(self.pdf).hexdigest()
        # A fixed difficulty per question: some questions are hard for everyone.
        self.difficulty = {
            (c.id, m.id, q.id): rng.betavariate(2, 5)
            for c in courses
            for m in c.modules
            for q in m.questions
        }

    def learner(self, rows: Rows, user_id: int, name: str, lang: str) -> None:
        rng = self.rng
        # Most of the network's staff take more than one course of the programme.
        wanted = 1 + (rng.random() < 0.8) + (rng.random() < 0.6)
        for course in rng.sample(self.courses, k=min(wanted, len(self.courses))):
            self.enrolment(rows, user_id, name, lang, course)

    def enrolment(self, rows: Rows, user_id: int, name: str, lang: str, course: Course) -> None:
        rng = self.rng
        # Later dates are more likely: the programme grows.
        age = DAYS * (1 - rng.random() ** 0.7)
        started = self.now - timedelta(days=age, minutes=rng.randint(0, 600))
        language = lang if lang in course.languages else course.default_language
        skill = rng.betavariate(5, 2)  # chance of knowing an answer, before difficulty
        pace = rng.choice([0.3, 1, 2, 5, 12])  # typical days between modules
        t = started
        last = started
        done_all = True
        scores: list[float] = []
        for module in course.modules:
            if rng.random() < 0.04 or t >= self.now:
                done_all = False
                break
            completed = self.module(rows, user_id, course, module, language, t, skill, scores)
            last = max(last, completed or t)
            if completed is None:
                done_all = False
                break
            t = completed + timedelta(days=rng.expovariate(1 / pace), minutes=rng.randint(1, 90))
        finished = last if done_all and course.modules and last < self.now else None
        enrolment_id = self.ids.take("enrolment")
        rows.enrolments.append(
            {
                "id": enrolment_id,
                "user_id": user_id,
                "course_id": course.id,
                "language": language,
                "started_at": started,
                "last_activity_at": last,
                "completed_at": finished,
                "completed_version": course.version if finished else None,
            }
        )
        if finished is not None and rng.random() < 0.94:
            cert_id = self.ids.take("certificate")
            issued = finished + timedelta(seconds=rng.randint(2, 40))
            revoked = issued + timedelta(days=3) if rng.random() < 0.01 else None
            rows.certificates.append(
                {
                    "id": cert_id,
                    "serial": f"DEMO-{cert_id:07d}",
                    "verification_code": f"demo{cert_id:08d}{rng.getrandbits(64):016x}",
                    "user_id": user_id,
                    "course_id": course.id,
                    "course_version": course.version,
                    "course_title": course.title_for(language),
                    "learner_name": name,
                    "language": language,
                    "hours": course.hours,
                    "completed_on": finished.date(),
                    "score_percent": round(sum(scores) / len(scores)) if scores else None,
                    "issuer": "Lasītava (demo data)",
                    "template": "default",
                    "pdf": self.pdf,
                    "sha256": self.pdf_sha,
                    "issued_at": issued,
                    "revoked_at": revoked,
                    "revoked_reason": "Demo data: issued by mistake." if revoked else None,
                    "revoked_by_id": None,
                    "replaced_by_id": None,
                    # The key automatic issuing uses (app/certificates/services.py).
                    "issue_key": f"auto:{user_id}:{course.id}:{course.version}",
                }
            )

    def module(self, rows, user_id, course, module: Module, language, t, skill, scores):
        """Progress (and attempts) of one module; returns when it was completed, or None."""
        rng = self.rng
        opened = t
        finished_reading = opened + timedelta(minutes=max(3.0, rng.gauss(module.minutes or 20, 6)))
        completed = None
        read = None
        last_seen = opened
        if not module.has_quiz:
            if finished_reading < self.now:
                read = completed = last_seen = finished_reading
        else:
            # A module with a quiz counts as read when its quiz is first submitted.
            view = module.view(language)
            limit = course.max_attempts or 5
            when = finished_reading
            for attempt_no in range(1, limit + 1):
                if when >= self.now:
                    break
                read = read or when
                last_seen = when
                answers = {}
                for q in view.questions:
                    difficulty = self.difficulty[(course.id, module.id, q.id)]
                    p = skill * (1 - difficulty / 2) + 0.15 * (attempt_no - 1)
                    answers[q.id] = (
                        _right_response(q, rng)
                        if rng.random() < min(p, 0.98)
                        else _wrong_response(q, rng, language)
                    )
                result = grade(view.questions, answers)
                passed = result.passes(course.pass_mark)
                attempt_id = self.ids.take("quiz_attempt")
                rows.attempts.append(
                    {
                        "id": attempt_id,
                        "user_id": user_id,
                        "course_id": course.id,
                        "module_id": module.id,
                        "attempt_no": attempt_no,
                        "submission_key": f"demo-{attempt_id}",
                        "key_revision": module.answer_key_revision,
                        "language": language,
                        "score": result.score,
                        "max_score": result.max_score,
                        "percent": result.percent,
                        "passed": passed,
                        "submitted_at": when,
                    }
                )
                for position, item in enumerate(result.items, start=1):
                    rows.answers.append(
                        {
                            "id": self.ids.take("quiz_answer"),
                            "attempt_id": attempt_id,
                            "position": position,
                            "question_id": item.question_id,
                            "question_rev": item.rev,
                            "response": item.response,
                            "correct": item.correct,
                            "points": item.points,
                            "max_points": item.max_points,
                        }
                    )
                if passed:
                    completed = when
                    scores.append(result.percent)
                    break
                if rng.random() < 0.06:
                    break  # gives up
                when = when + timedelta(hours=rng.expovariate(1 / 30))
        rows.progress.append(
            {
                "id": self.ids.take("module_progress"),
                "user_id": user_id,
                "course_id": course.id,
                "module_id": module.id,
                "first_viewed_at": opened,
                "last_viewed_at": last_seen,
                "read_at": read,
                "completed_at": completed,
                "content_hash_seen": module.content_hash,
            }
        )
        return completed


def _chunks(items: list[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert(table: sa.Table, items: list[dict]) -> None:
    for chunk in _chunks(items):
        db.session.execute(table.insert(), chunk)


def _flush_rows(rows: Rows) -> int:
    total = rows.total()
    _insert(User.__table__, rows.users)
    _insert(RoleGrant.__table__, rows.grants)
    _insert(Enrolment.__table__, rows.enrolments)
    _insert(ModuleProgress.__table__, rows.progress)
    _insert(QuizAttempt.__table__, rows.attempts)
    _insert(QuizAnswer.__table__, rows.answers)
    _insert(Certificate.__table__, rows.certificates)
    return total


TABLES = [
    User.__table__,
    RoleGrant.__table__,
    Enrolment.__table__,
    ModuleProgress.__table__,
    QuizAttempt.__table__,
    QuizAnswer.__table__,
    Certificate.__table__,
]


def _fix_sequences() -> None:
    """Explicit ids do not move PostgreSQL's sequences: set them past the largest id."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        db.session.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
            )
        )


class ScaleError(Exception):
    """The scale data cannot be added (already there, or no usable course)."""


@dataclass(frozen=True)
class Summary:
    learners: int
    libraries: int
    courses: int
    enrolments: int
    progress: int
    attempts: int
    answers: int
    certificates: int


def seed_scale(
    learners: int,
    courses_dir: str | Path,
    *,
    seed: int = 2024,
    now: datetime | None = None,
    echo: Callable[[str], None] = lambda message: None,
) -> Summary:
    """Add ``learners`` learners with two years of history in the current transaction (the
    caller commits). Creates the demo organisations and accounts first on an empty database."""
    if not demo.is_seeded():
        demo.seed()
        echo("Empty database: demo organisations and accounts created.")
    already = db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.email.like(f"%@{SCALE_DOMAIN}"))
    )
    if already:
        raise ScaleError(f"{already} scale learners (@{SCALE_DOMAIN}) exist already.")
    catalog = load_courses(courses_dir)
    courses = [c for c in catalog if c.modules]
    for name in catalog.refused:
        echo(f"Course {name} has errors and is left out.")
    if not courses:
        raise ScaleError(f"No course without errors in {courses_dir}.")
    now = now or datetime.now(UTC)
    rng = random.Random(seed)
    libraries = ensure_organisations(echo)
    db.session.flush()
    names = NameMaker(
        rng, latvian_given_names(TESTDATA / "lv_given_names_namedays_traditional.json")
    )
    ids = Ids(TABLES)
    history = History(rng, courses, ids, now)
    weights = [lib.weight for lib in libraries]
    totals = dict.fromkeys(("enrolments", "progress", "attempts", "answers", "certificates"), 0)
    batch = 1000
    for start in range(0, learners, batch):
        rows = Rows()
        for library in rng.choices(libraries, weights=weights, k=min(batch, learners - start)):
            user_id = ids.take("user_account")
            name = names.make(library.country)
            lang = "lt" if library.country == "LT" else "lv"
            if rng.random() < 0.03:
                lang = "en"
            given, _sep, surname = name.partition(" ")
            created = now - timedelta(days=DAYS + rng.randint(1, 200))
            rows.users.append(
                {
                    "id": user_id,
                    "email": f"{ascii_slug(given)}.{ascii_slug(surname)}.{user_id}@{SCALE_DOMAIN}",
                    "full_name": name,
                    "password_hash": None,
                    "preferred_language": lang,
                    "active": rng.random() > 0.02,
                    "library_id": library.id,
                    "created_at": created,
                    "last_login_at": None,
                    "text_size": 100,
                    "high_contrast": False,
                    "dyslexia_spacing": False,
                    "reduced_motion": False,
                }
            )
            rows.grants.append(
                {
                    "id": ids.take("role_grant"),
                    "user_id": user_id,
                    "role": Role.LEARNER.value,
                    "organisation_id": None,
                    "created_at": created,
                }
            )
            history.learner(rows, user_id, name, lang)
        for key in totals:
            totals[key] += len(getattr(rows, key))
        _flush_rows(rows)
        echo(f"  {min(start + batch, learners):>7} learners written")
    _fix_sequences()
    return Summary(learners, len(libraries), len(courses), **totals)


def run(learners: int, courses_dir: str | Path, echo: Callable[[str], None] = print) -> Summary:
    """The CLI entry point: seed, then report what was written (the caller commits)."""
    summary = seed_scale(learners, courses_dir, echo=echo)
    echo(
        f"{summary.learners} learners in {summary.libraries} libraries, {summary.courses} courses: "
        f"{summary.enrolments} enrolments, {summary.progress} module progress rows, "
        f"{summary.attempts} quiz attempts, {summary.answers} answers, "
        f"{summary.certificates} certificates."
    )
    return summary
