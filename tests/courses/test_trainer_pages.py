"""Trainer pages (/trainer…): access, drafts, translated checker findings, refused versions,
the translation status table and the module preview with its answer key.

Each test writes its own small courses into ``tmp_path`` and points the app's COURSES_DIR there
(the course registry is dropped before and after, so no other test sees these courses).
"""

from __future__ import annotations

import html
import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.accounts.models import Role
from app.courses.cli import current_registry

REGISTRY_KEY = "lasitava.courses"


# ------------------------------------------------------------------------------------------
# Courses written for these tests


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def make_course(
    root: Path,
    course_id: str = "sensory-room",
    *,
    published: bool = True,
    title_lv: str = "Sensorā telpa",
    version: int = 1,
) -> Path:
    """A course in lv (default), lt and en:

    - 01-intro: lv, lt (made from an older lv text → outdated); en missing;
    - 02-quiz: lv and lt with a quiz of four questions (single choice, text, number, matching);
      en missing.
    """
    folder = root / course_id
    write(
        folder / "course.yml",
        f"""
        id: {course_id}
        version: {version}
        published: {"true" if published else "false"}
        default_language: lv
        languages: [lv, lt, en]
        title: {{lv: {title_lv}, lt: Sensorinis kambarys, en: The sensory room}}
        hours: 1
        modules: [01-intro, 02-quiz]
        """,
    )
    write(
        folder / "01-intro.lv.md",
        """
        ---
        id: intro
        title: Ievads
        minutes: 5
        ---
        # Ievads

        Sensorā telpa ir droša vide ar gaismu un skaņu.
        """,
    )
    write(
        folder / "01-intro.lt.md",
        """
        ---
        id: intro
        title: Įvadas
        translation: {source: lv, source_hash: 0123456789ab}
        ---
        # Įvadas

        Sensorinis kambarys yra saugi aplinka.
        """,
    )
    quiz_lv = """
        ---
        id: quiz
        title: Drošība
        minutes: 10
        ---
        # Drošība

        Burbuļu kolonnai jābūt stabili nostiprinātai.

        ::: quiz {#bubble-tube points=2}
        Kāpēc burbuļu kolonnai jābūt nostiprinātai?

        - ( ) Lai tā izskatītos kārtīgāk
          > Izskats nav galvenais iemesls.
        - (x) Lai apmeklētājs to nevarētu apgāzt
        - ( ) Lai ietaupītu elektrību

        ? Padomājiet par drošību.

        ---

        Stabils stiprinājums novērš traumas.
        :::

        ::: quiz {#room-name}
        Kā sauc telpu ar gaismu un skaņu? [[sensorā telpa | multisensorā telpa]]
        :::

        ::: quiz {#lux}
        Cik luksu ir ieteicamais apgaismojums? [[300 +- 50]]
        :::

        ::: quiz {#senses}
        Savienojiet priekšmetu ar maņu.

        - Burbuļu kolonna => Redze
        - Smilšu maisiņš => Tauste
        - => Garša
        :::
        """
    write(folder / "02-quiz.lv.md", quiz_lv)
    write(
        folder / "02-quiz.lt.md",
        """
        ---
        id: quiz
        title: Saugumas
        ---
        # Saugumas

        Burbulų kolona turi būti tvirtai pritvirtinta.

        ::: quiz {#bubble-tube points=2}
        Kodėl burbulų kolona turi būti pritvirtinta?

        - ( ) Kad atrodytų tvarkingiau
        - (x) Kad lankytojas negalėtų jos apversti
        - ( ) Kad būtų taupoma elektra
        :::

        ::: quiz {#room-name}
        Kaip vadinamas kambarys su šviesa ir garsu? [[sensorinis kambarys]]
        :::

        ::: quiz {#lux}
        Kiek liuksų yra rekomenduojamas apšvietimas? [[300 +- 50]]
        :::

        ::: quiz {#senses}
        Sujunkite daiktą su pojūčiu.

        - Burbulų kolona => Rega
        - Smėlio maišelis => Lytėjimas
        - => Skonis
        :::
        """,
    )
    return folder


# Line 10 of this file starts a single-choice quiz with two right options: a checker error.
BROKEN_QUIZ_LV = """
    ---
    id: intro
    title: Ievads
    minutes: 5
    ---
    # Ievads

    Teksts ar kļūdu testā.

    ::: quiz {#two-right}
    Kas ir pareizi?

    - (x) Viens
    - (x) Divi
    - ( ) Trīs
    :::
    """


def make_draft(root: Path, course_id: str = "draft-course") -> Path:
    folder = root / course_id
    write(
        folder / "course.yml",
        f"""
        id: {course_id}
        version: 1
        published: false
        default_language: lv
        languages: [lv]
        title: {{lv: Melnraksta kurss par pasakām}}
        modules: [01-tales]
        """,
    )
    write(
        folder / "01-tales.lv.md",
        """
        ---
        id: tales
        title: Pasakas
        minutes: 3
        ---
        # Pasakas

        Teksts.
        """,
    )
    return folder


# ------------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture
def courses(app, tmp_path: Path, monkeypatch) -> Path:
    """An empty COURSES_DIR for this test, read only when asked (production mode)."""
    root = tmp_path / "courses"
    root.mkdir()
    monkeypatch.setitem(app.config, "COURSES_DIR", str(root))
    monkeypatch.setitem(app.config, "COURSES_RELOAD_STAMP", str(tmp_path / "reload.stamp"))
    monkeypatch.setitem(app.config, "COURSES_AUTO_RELOAD", False)
    app.extensions.pop(REGISTRY_KEY, None)
    yield root
    app.extensions.pop(REGISTRY_KEY, None)


@pytest.fixture
def people(factory) -> dict[str, str]:
    """One account per role (Latvian interface), plus a Lithuanian trainer."""
    emails = {
        "learner": "lasitaja@example.org",
        "trainer": "trenere@example.org",
        "coordinator": "koordinatore@example.org",
        "admin": "admin@example.org",
    }
    for role, email in emails.items():
        factory.user(email=email, role=Role(role).value, language="lv")
    emails["trainer_lt"] = "mokytoja@example.org"
    factory.user(email=emails["trainer_lt"], role=Role.TRAINER.value, language="lt")
    return emails


def text_of(markup: str) -> str:
    """The text a screen reader gets: decorative (aria-hidden) icons and tags removed, a space
    between blocks, entities decoded, whitespace collapsed."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    markup = re.sub(r'<span aria-hidden="true">[^<]*</span>', "", markup)
    markup = re.sub(
        r"<(?=/?(?:p|div|li|ul|ol|td|th|tr|dt|dd|h\d|br|caption|section)\b)", " <", markup
    )
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", markup))).strip()


def main_text(response) -> str:
    body = response.get_data(as_text=True)
    return text_of(body[body.index("<main") : body.index("</main>")])


class TableParser(HTMLParser):
    """Rows of (tag, attributes, text) cells of the first table whose class contains ``cls``."""

    def __init__(self, cls: str):
        super().__init__()
        self.cls = cls
        self.depth = 0  # >0 inside the wanted table
        self.rows: list[list[tuple[str, dict, str]]] = []
        self.cell: list | None = None
        self.done = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and not self.done:
            if self.depth or self.cls in (attrs.get("class") or "").split():
                self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("th", "td"):
            self.cell = [tag, attrs, ""]

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
            self.done = self.depth == 0
        elif self.depth and tag in ("th", "td") and self.cell is not None:
            self.rows[-1].append((self.cell[0], self.cell[1], " ".join(self.cell[2].split())))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data


def table(response, cls: str) -> list[list[tuple[str, dict, str]]]:
    parser = TableParser(cls)
    parser.feed(response.get_data(as_text=True))
    return parser.rows


def reload_courses(runner) -> None:
    """What an administrator runs after changing course files."""
    result = runner.invoke(args=["courses", "reload"])
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------------------------------------
# Access


def test_only_trainers_and_admins_reach_the_trainer_pages(client, courses, people, login_as):
    make_course(courses)
    urls = ["/trainer", "/trainer/sensory-room", "/trainer/sensory-room/quiz/lv"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    for role, expected in [
        ("learner", 403),
        ("coordinator", 403),
        ("trainer", 200),
        ("admin", 200),
    ]:
        login_as(people[role])
        for url in urls:
            assert client.get(url).status_code == expected, (role, url)
        client.post("/logout")
    login_as(people["trainer"])
    assert client.get("/trainer/no-such-course").status_code == 404
    assert client.get("/trainer/sensory-room/no-such-module/lv").status_code == 404
    assert client.get("/trainer/sensory-room/quiz/de").status_code == 404


def test_nav_link_for_trainers_only(client, courses, people, login_as):
    login_as(people["learner"])
    assert 'href="/trainer"' not in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login_as(people["trainer"])
    assert 'href="/trainer"' in client.get("/").get_data(as_text=True)


# ------------------------------------------------------------------------------------------
# Overview: every folder, drafts, checker summary


def test_overview_lists_every_folder_with_version_state_and_checker_summary(
    client, courses, people, login_as
):
    make_course(courses, version=3)
    make_draft(courses)
    login_as(people["trainer"])
    response = client.get("/trainer")
    assert response.status_code == 200
    text = main_text(response)
    # Titles in the trainer's language, ids, versions, published / draft.
    assert (
        "Sensorā telpa Identifikators sensory-room Versija 3 Publicēšana Publicēts "
        "Kas to redz Izglītojamie redz šo kursu. Pārbaude 5 brīdinājumi"
    ) in text
    assert (
        "Melnraksta kurss par pasakām Identifikators draft-course Versija 1 Publicēšana "
        "Melnraksts Kas to redz Šo kursu redz tikai pasniedzēji un administratori (melnraksts). "
        "Pārbaude Problēmu nav"
    ) in text
    # Nothing was refused.
    assert "Jaunās datnes noraidītas" not in text
    body = response.get_data(as_text=True)
    assert 'href="/trainer/sensory-room"' in body and 'href="/trainer/draft-course"' in body


def test_overview_in_lithuanian(client, courses, people, login_as):
    make_course(courses)
    make_draft(courses)
    login_as(people["trainer_lt"])
    text = main_text(client.get("/trainer"))
    assert "Sensorinis kambarys Identifikatorius sensory-room Versija 1 Paskelbimas Paskelbtas" in (
        text
    )
    assert "Paskelbimas Juodraštis Kas jį mato Šį kursą mato tik mokytojai" in text
    # A title without a Lithuanian text is shown in Latvian, marked as Latvian.
    body = client.get("/trainer").get_data(as_text=True)
    assert '<a href="/trainer/draft-course" lang="lv">Melnraksta kurss par pasakām</a>' in body


def test_a_draft_is_for_trainers_and_admins_never_for_learners(client, courses, people, login_as):
    make_draft(courses)
    login_as(people["learner"])
    assert "Melnraksta kurss" not in client.get("/courses").get_data(as_text=True)
    assert client.get("/courses/draft-course").status_code == 404
    assert client.get("/courses/draft-course/tales").status_code == 404
    assert client.get("/trainer/draft-course/tales/lv").status_code == 403
    client.post("/logout")
    for role in ("trainer", "admin"):
        login_as(people[role])
        text = main_text(client.get("/trainer/draft-course"))
        assert "Publicēšana Melnraksts" in text
        preview = client.get("/trainer/draft-course/tales/lv")
        assert preview.status_code == 200
        assert "Šis kurss ir melnraksts." in main_text(preview)
        client.post("/logout")


# ------------------------------------------------------------------------------------------
# Findings: translated, with path:line, grouped by file


def test_findings_are_translated_with_path_and_line(client, courses, people, login_as):
    folder = make_course(courses, course_id="broken-course")
    write(folder / "01-intro.lv.md", BROKEN_QUIZ_LV)
    login_as(people["trainer"])
    response = client.get("/trainer/broken-course")
    lv = main_text(response)
    assert (
        "broken-course/01-intro.lv.md:10: kļūda: vienas izvēles jautājumam vajag tieši vienu "
        "pareizo atbilžu variantu (x), atrasti: 2"
    ) in lv
    assert (
        "broken-course/course.yml:8: brīdinājums: trūkst 01-intro.en.md; izglītojamie, kas lasa "
        "valodā „en”, redzēs tekstu valodā „lv” ar paziņojumu"
    ) in lv
    assert (
        "broken-course/02-quiz.lt.md:1: brīdinājums: šajā tulkojumā nav norādīts, no kā tas "
        "tulkots, tāpēc to nekad nevar atzīmēt kā novecojušu; kad tas atbilst pašreizējai datnei "
        "02-quiz.lv.md, pievienojiet galvenei (front matter) šo rindu: "
        "translation: {source: lv, source_hash: "
    ) in lv
    assert "Pārbaudes rīks atrada 2 kļūdas" in lv
    # Grouped by file: one heading per file, in the checker's order, each with its own lines.
    body = response.get_data(as_text=True)
    sections = body.split("<h3><code>")[1:]
    files = [section.split("</code>")[0] for section in sections]
    assert files == [
        "broken-course/01-intro.lt.md",
        "broken-course/01-intro.lv.md",
        "broken-course/02-quiz.lt.md",
        "broken-course/course.yml",
    ]
    for file, section in zip(files, sections, strict=True):
        lines = re.findall(r'<li class="finding finding-\w+"><code>([^<]+)</code>', section)
        assert lines and all(line.startswith(file + ":") for line in lines), (file, lines)
    client.post("/logout")

    login_as(people["trainer_lt"])
    lt = main_text(client.get("/trainer/broken-course"))
    assert (
        "broken-course/01-intro.lv.md:10: klaida: vieno pasirinkimo klausimui reikia lygiai vieno "
        "teisingo atsakymo varianto (x), rasta: 2"
    ) in lt
    assert (
        "broken-course/course.yml:8: įspėjimas: trūksta 01-intro.en.md; besimokantieji, "
        "skaitantys kalba „en“, matys tekstą kalba „lv“ su pranešimu"
    ) in lt
    assert (
        "broken-course/02-quiz.lt.md:1: įspėjimas: šiame vertime nenurodyta, iš ko jis "
        "išverstas, todėl jis niekada negali būti pažymėtas kaip pasenęs"
    ) in lt


def test_a_quiz_shown_as_text_is_a_translated_error(client, courses, people, login_as):
    folder = make_course(courses, course_id="broken-course")
    write(
        folder / "01-intro.lv.md",
        BROKEN_QUIZ_LV.replace("::: quiz {#two-right}", "  ::: quiz {#two-right}").replace(
            "Teksts ar kļūdu testā.", "Atbilde: [[42]]"
        ),
    )
    login_as(people["trainer"])
    lv = main_text(client.get("/trainer/broken-course"))
    assert (
        "broken-course/01-intro.lv.md:8: kļūda: „[[42]]” izskatās pēc jautājuma atbildes, bet "
        "neatrodas ::: quiz blokā, tāpēc izglītojamie to redzētu kā parastu tekstu"
    ) in lv
    assert (
        "broken-course/01-intro.lv.md:10: kļūda: ::: quiz jāraksta pašā rindas sākumā, bez "
        "atstarpēm pirms tā"
    ) in lv
    client.post("/logout")
    login_as(people["trainer_lt"])
    lt = main_text(client.get("/trainer/broken-course"))
    assert (
        "broken-course/01-intro.lv.md:10: klaida: ::: quiz turi būti rašomas pačioje eilutės "
        "pradžioje, be tarpų prieš jį"
    ) in lt


def test_a_course_that_never_had_a_good_version_is_refused_and_hidden(
    client, courses, people, login_as
):
    folder = make_course(courses, course_id="broken-course")
    write(folder / "01-intro.lv.md", BROKEN_QUIZ_LV)
    login_as(people["trainer"])
    text = main_text(client.get("/trainer"))
    # Named from its course.yml; nobody can open it; the errors are listed.
    assert (
        "Sensorā telpa Identifikators broken-course Versija 1 Publicēšana Publicēts Kas to redz "
        "To nevar atvērt neviens: tajā vienmēr ir bijušas kļūdas. Pārbaude 2 kļūdas 5 brīdinājumi "
        "Jaunās datnes noraidītas"
    ) in text
    assert re.search(
        r"Šī kursa jaunākās datnes tika noraidītas \d{4}\. gada .+, jo pārbaudes rīks tajās "
        r"atrada kļūdas\. Kursā vienmēr ir bijušas kļūdas, tāpēc neviens to nevar atvērt",
        text,
    )
    assert "broken-course/01-intro.lv.md:10: kļūda: vienas izvēles jautājumam" in text
    detail = main_text(client.get("/trainer/broken-course"))
    assert "Kursu nevar atvērt, kamēr tā kļūdas nav izlabotas" in detail
    assert client.get("/trainer/broken-course/intro/lv").status_code == 404
    client.post("/logout")
    login_as(people["learner"])
    assert client.get("/courses/broken-course").status_code == 404
    assert "broken-course" not in client.get("/courses").get_data(as_text=True)


# ------------------------------------------------------------------------------------------
# A refused new version keeps the last good version live


def test_refused_new_files_keep_the_last_good_version_live(
    app, client, runner, courses, people, login_as
):
    folder = make_course(courses, title_lv="Sensorā telpa")
    login_as(people["learner"])
    assert "Sensorā telpa" in main_text(client.get("/courses/sensory-room"))
    client.post("/logout")

    # A new edition with a new title and an error in a quiz.
    make_course(courses, title_lv="Jaunā sensorā telpa", version=2)
    write(folder / "01-intro.lv.md", BROKEN_QUIZ_LV)
    reload_courses(runner)
    with app.app_context():
        assert "sensory-room" in current_registry().get(reload_changed=False).refused

    login_as(people["learner"])
    page = main_text(client.get("/courses/sensory-room"))
    assert "Sensorā telpa" in page and "Jaunā sensorā telpa" not in page
    client.post("/logout")

    login_as(people["trainer"])
    overview = main_text(client.get("/trainer"))
    assert "Jaunās datnes noraidītas" in overview
    assert "Versija 1 (noraidītajās datnēs: versija 2)" in overview
    assert re.search(r"Šī kursa jaunākās datnes tika noraidītas \d{4}\. gada", overview)
    assert (
        "Kamēr kļūdas nav izlabotas, izglītojamie joprojām redz pēdējo labo versiju (versija 1)."
    ) in overview
    assert "sensory-room/01-intro.lv.md:10: kļūda:" in overview
    detail = main_text(client.get("/trainer/sensory-room"))
    assert "Jaunās datnes noraidītas" in detail
    assert "Šis ir izmantotās versijas (versija 1), nevis noraidīto datņu stāvoklis." in detail
    assert "sensory-room/01-intro.lv.md:10: kļūda:" in detail
    # The preview shows the version in use, and says why.
    preview = main_text(client.get("/trainer/sensory-room/intro/lv"))
    assert "Sensorā telpa ir droša vide" in preview
    assert "Teksts ar kļūdu testā" not in preview
    assert "šis priekšskatījums rāda izmantoto versiju 1" in preview


# ------------------------------------------------------------------------------------------
# Translation status table


def test_status_table_shows_present_missing_outdated_and_untracked(
    client, courses, people, login_as
):
    make_course(courses)
    login_as(people["trainer"])
    response = client.get("/trainer/sensory-room")
    rows = table(response, "trainer-status")
    header, intro, quiz = rows
    assert [c[0] for c in header] == ["th"] * 4
    assert all(c[1].get("scope") == "col" for c in header)
    assert header[1][2] == "Latviešu (pamatvaloda)"
    assert intro[0][0] == "th" and intro[0][1].get("scope") == "row"
    assert intro[0][2].startswith("1. Ievads")
    assert intro[1][2].startswith("✓ Ir")
    assert intro[2][2].startswith("! Novecojis")
    assert intro[3][2].startswith("✗ Trūkst (rāda pamatvalodas tekstu)")
    # 02-quiz.lt.md has no translation: {source, source_hash}, so it could never be outdated.
    assert quiz[2][2].startswith("? Avots nav norādīts") and quiz[3][2].startswith("✗ Trūkst")
    text = main_text(response)
    assert "Trūkst 2 tulkojumu. 1 tulkojums ir novecojis. 1 tulkojums nenorāda avotu." in text


# ------------------------------------------------------------------------------------------
# Preview with the answer key


def test_preview_shows_the_module_and_its_answer_key_to_trainers(client, courses, people, login_as):
    make_course(courses)
    login_as(people["learner"])
    assert client.get("/trainer/sensory-room/quiz/lv").status_code == 403
    client.post("/logout")

    login_as(people["trainer"])
    response = client.get("/trainer/sensory-room/quiz/lv")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    body = response.get_data(as_text=True)
    text = main_text(response)
    assert "Burbuļu kolonnai jābūt stabili nostiprinātai." in text  # the module text
    # Right and wrong options are marked in words, not only by colour.
    options = re.findall(r'<li class="key-(right|wrong)">(.*?)</li>', body, flags=re.S)
    marked = [(kind, text_of(item)) for kind, item in options]
    assert marked == [
        (
            "wrong",
            "Nepareiza atbilde Lai tā izskatītos kārtīgāk "
            "Atgriezeniskā saite: Izskats nav galvenais iemesls.",
        ),
        ("right", "Pareizā atbilde Lai apmeklētājs to nevarētu apgāzt"),
        ("wrong", "Nepareiza atbilde Lai ietaupītu elektrību"),
    ]
    assert "Pieņemtās atbildes: sensorā telpa multisensorā telpa" in text
    assert "Pieņemtā atbilde: 300 ± 50 (no 250 līdz 350)" in text
    assert "Burbuļu kolonna Redze Smilšu maisiņš Tauste" in text
    assert "Papildu nepareizās izvēles: Garša" in text
    assert "Padoms: Padomājiet par drošību." in text
    assert "Skaidrojums: Stabils stiprinājums novērš traumas." in text

    # Another language; a missing language shows the default text with a notice.
    lt_response = client.get("/trainer/sensory-room/quiz/lt")
    lt = main_text(lt_response)
    assert "Teisingas atsakymas" not in lt  # the interface stays Latvian
    # Text answers are marked as Lithuanian; the numeric key is worded in Latvian, unmarked.
    keys = re.findall(
        r'<ul class="key-accepted"([^>]*)>(.*?)</ul>',
        lt_response.get_data(as_text=True),
        flags=re.S,
    )
    assert [(attrs.strip(), text_of(items)) for attrs, items in keys] == [
        ('lang="lt"', "sensorinis kambarys"),
        ("", "300 ± 50 (no 250 līdz 350)"),
    ]
    assert "Pareizā atbilde Kad lankytojas negalėtų jos apversti" in lt
    en = main_text(client.get("/trainer/sensory-room/quiz/en"))
    assert (
        "Šim modulim nav datnes valodā „English”. Šīs valodas lasītāji redz zemāk redzamo tekstu "
        "valodā „Latviešu” ar paziņojumu."
    ) in en
    assert "Burbuļu kolonnai jābūt stabili nostiprinātai." in en


def test_learners_never_see_the_answer_key_on_their_module_page(client, courses, people, login_as):
    make_course(courses)
    login_as(people["learner"])
    response = client.get("/courses/sensory-room/quiz")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Stabils stiprinājums novērš traumas" not in body  # explanation
    assert "multisensorā telpa" not in body  # accepted text answer
