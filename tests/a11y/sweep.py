"""The accessibility sweep: every page, for every role, in lv, lt and en, in each of its states.

The table of pages lives in ``tests/a11y/pages/<feature>.py``: each module has ``ROWS`` (a list of
``Row``) and may have ``EXEMPT`` (``{endpoint: reason}``, for GET routes that are not HTML pages,
such as file downloads). A new page joins the sweep by adding a row; ``test_routes_are_swept``
fails while a registered GET route has neither a row nor an exemption.

A row is (route, role, setup, url, states):

    Row("web.feedback_inbox", role="admin", setup=make_feedback,
        url="/accessibility/feedback", states=(FILLED, State("success", act=click("Mark"))))

* ``setup(data) -> dict | None`` runs once per sweep, inside the live app's application context
  (call services and factories; the sweep commits). Its dict is merged into ``data``; every row
  sees the same ``data``. ``data`` starts with the shared world: see ``build_world``.
* ``url`` is a path; ``{name}`` is filled from ``data`` (``"/certificates/{certificate_id}"``).
* every state opens ``url``, runs ``act(visit)`` (if any) and checks what the browser then shows:
  the HTTP status, axe-core (WCAG 2.0/2.1/2.2 A and AA), ``<html lang>``, the title prefix and
  the focused error summary on error states, landmarks, the skip link, one ``h1`` and no skipped
  heading level, reflow at 320 px (also with WCAG 1.4.12 text spacing), and that no request left
  the site. ``reset(visit)`` (if any) undoes what the state changed, before the next language.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from flask import Flask

from tests.conftest import PASSWORD, Factory

ROLES = ("learner", "trainer", "coordinator", "admin")
LANGS = ("lv", "lt", "en")
ERROR_PREFIX = {"lv": "Kļūda:", "lt": "Klaida:", "en": "Error:"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "resultTypes": ["violations"],
    "reporter": "no-passes",  # only violations come back: less to build and to send
}
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 800}
# WCAG 1.4.12: content must survive these spacings without loss.
TEXT_SPACING_CSS = (
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
    " word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }"
)


@dataclass
class Visit:
    """What an action or reset gets: the browser page, the shared data, the live app."""

    page: Any
    data: dict
    app: Flask
    lang: str
    base_url: str


Action = Callable[[Visit], None]


@dataclass(frozen=True)
class State:
    name: str  # empty | filled | error | success | failed | ... (a label in reports)
    act: Action | None = None  # what the user does after the page has opened
    status: int = 200  # HTTP status of the document finally shown
    errors: bool = False  # an error state: "Kļūda:" title prefix, error summary focused
    reset: Action | None = None  # undoes the state's changes before the next visit


EMPTY = State("empty")
FILLED = State("filled")


@dataclass(frozen=True)
class Row:
    endpoint: str | None  # the Flask endpoint covered; None for pages that are not a route
    url: str  # path; "{name}" is filled from the setup data
    role: str | None = None  # None = visitor (not signed in), else one of ROLES
    states: tuple[State, ...] = (EMPTY,)
    setup: Callable[[dict], dict | None] | None = None

    def label(self) -> str:
        return f"{self.endpoint or self.url} as {self.role or 'visitor'}"


# --- actions -------------------------------------------------------------------------------------


def _navigate(page, do: Callable[[], None]) -> None:
    with page.expect_navigation(wait_until="load"):
        do()


def submit(
    fill: dict[str, str] | None = None,
    check: tuple[str, ...] = (),
    select: dict[str, str] | None = None,
    button: str | None = None,
) -> Action:
    """Fill fields and choose options (by field name), tick inputs (CSS selectors) in <main>, then
    press a submit button (by its visible text; default: the first submit button in <main>).
    Values may use "{lang}" and the setup data's "{names}"."""

    def act(v: Visit) -> None:
        main = v.page.locator("main")
        for name, value in (fill or {}).items():
            main.locator(f"[name='{name}']").fill(value.format(lang=v.lang, **v.data))
        for name, value in (select or {}).items():
            main.locator(f"[name='{name}']").select_option(value.format(lang=v.lang, **v.data))
        for selector in check:
            main.locator(selector).check()
        target = (
            main.get_by_role("button", name=button).first
            if button
            else main.locator("form button[type=submit], form input[type=submit]").first
        )
        _navigate(v.page, target.click)

    return act


def post(path: str, data: dict[str, str]) -> Action:
    """Send a form the page could not produce (for example a text size of 999), as a browser would."""

    def act(v: Visit) -> None:
        script = """([path, data]) => {
            const form = document.createElement('form');
            form.method = 'post'; form.action = path;
            for (const [name, value] of Object.entries(data)) {
                const input = document.createElement('input');
                input.type = 'hidden'; input.name = name; input.value = value;
                form.appendChild(input);
            }
            document.body.appendChild(form); form.submit();
        }"""
        _navigate(v.page, lambda: v.page.evaluate(script, [path.format(**v.data), data]))

    return act


def press(selector: str) -> Action:
    """Activate the first element in <main> matching a CSS selector (language-independent, e.g.
    "button[name=reset]")."""

    def act(v: Visit) -> None:
        _navigate(v.page, v.page.locator("main").locator(selector).first.click)

    return act


def in_app(fn: Callable[[dict], None]) -> Action:
    """Run ``fn(data)`` inside the live app's context and commit (a database-level reset)."""

    def act(v: Visit) -> None:
        from app.extensions import db

        with v.app.app_context():
            fn(v.data)
            db.session.commit()

    return act


def then(*actions: Action) -> Action:
    def act(v: Visit) -> None:
        for action in actions:
            action(v)

    return act


# --- the table -----------------------------------------------------------------------------------


def all_rows() -> list[Row]:
    from tests.a11y import pages

    rows: list[Row] = []
    for module in _page_modules(pages):
        rows.extend(getattr(module, "ROWS", []))
    return rows


def all_exempt() -> dict[str, str]:
    from tests.a11y import pages

    exempt: dict[str, str] = {}
    for module in _page_modules(pages):
        exempt.update(getattr(module, "EXEMPT", {}))
    return exempt


def _page_modules(package) -> list:
    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    ]


def build_world(app: Flask) -> dict:
    """The shared data every row can use: the organisation tree and one account per role.

    Keys: the organisation names (ids, see Factory.org_tree), ``<role>_id`` and ``<role>_email``.
    Accounts have no preferred language, so Accept-Language chooses the interface language. A
    setup may add more accounts the same way (``data["graduate_email"] = ...``): a row with
    ``role="graduate"`` then signs in as that account.
    """
    factory = Factory(app)
    data: dict = dict(factory.org_tree())
    scopes = {"coordinator": data["Jelgavas novads"]}
    for role in ROLES:
        email = f"{role}@example.org"  # trainer@example.org is an author of the demo courses
        data[f"{role}_id"] = factory.user(
            email=email,
            name=SWEEP_NAMES[role],
            role=role,
            scope_id=scopes.get(role),
            library_id=data["Ozolnieku bibliotēka"],
            language=None,
        )
        data[f"{role}_email"] = email
    return data


SWEEP_NAMES = {
    "learner": "Ilze Bērziņa-Ķēniņa",
    "trainer": "Rūta Kazlauskienė",
    "coordinator": "Māris Ozoliņš",
    "admin": "Gintarė Žemaitytė",
}


# --- running it ----------------------------------------------------------------------------------

_PAGE_FACTS = """() => {
  const focusable = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]),'
    + ' select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
  const first = document.querySelector(focusable);
  const levels = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .filter(h => h.getClientRects().length || h.closest('.visually-hidden'))
    .map(h => Number(h.tagName[1]));
  const active = document.activeElement;
  return {
    lang: document.documentElement.lang,
    title: document.title,
    status: (performance.getEntriesByType('navigation')[0] || {}).responseStatus || 0,
    url: location.pathname + location.search,
    firstFocusable: first ? (first.className + ' ' + (first.getAttribute('href') || '')) : '',
    mains: document.querySelectorAll('main#main').length,
    banners: document.querySelectorAll('body > header').length,
    footers: document.querySelectorAll('body > footer').length,
    levels: levels,
    summary: !!document.querySelector('.error-summary'),
    summaryFocused: !!(active && active.classList && active.classList.contains('error-summary')),
  };
}"""

_WIDE = """() => {
  // What pushes the page wider than the window: elements past its right edge that no scrolling
  // box holds (or that escape one, being absolutely positioned), deepest first.
  const past = el => el.getBoundingClientRect().right > window.innerWidth + 1;
  const held = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const escapes = el => ['absolute', 'fixed'].includes(getComputedStyle(el).position);
  return [...document.querySelectorAll('body *')]
    .filter(el => past(el) && (!held(el) || escapes(el)) && ![...el.children].some(past))
    .slice(0, 4)
    .map(el => el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
      + ' (' + Math.round(el.getBoundingClientRect().width) + ' px)');
}"""

_OVERFLOW = """() => {
  const doc = document.documentElement;
  const clipped = [...document.querySelectorAll('body *')].filter(el => {
    if (el.closest('.visually-hidden, .skip-link, .table-wrap')) return false;
    const style = getComputedStyle(el);
    if (!['hidden', 'clip'].includes(style.overflowX) && !['hidden', 'clip'].includes(style.overflowY)) return false;
    return el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
  }).map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : ''));
  return {scrollWidth: doc.scrollWidth, clipped: clipped.slice(0, 5)};
}"""


@dataclass
class SweepReport:
    problems: list[str] = field(default_factory=list)
    visits: int = 0
    seconds: float = 0.0
    timings: list[tuple[float, str]] = field(default_factory=list)

    def slowest(self, n: int = 5) -> list[str]:
        return [f"{seconds:.2f} s {where}" for seconds, where in sorted(self.timings)[-n:]]


class Sweep:
    """Runs the table in one browser: one context per role, shared across rows and states."""

    def __init__(self, browser, app: Flask, base_url: str, data: dict):
        self.browser, self.app, self.base_url, self.data = browser, app, base_url, data
        self.contexts: dict[str | None, Any] = {}
        self.pages: dict[str | None, Any] = {}
        self.foreign_requests: list[str] = []
        self.axe_script = Axe().axe_script

    def page_for(self, role: str | None):
        if role not in self.pages:
            context = self.browser.new_context(base_url=self.base_url, viewport=DESKTOP)
            context.add_init_script(self.axe_script)  # axe is present in every document
            context.on("request", self._watch_request)
            if role is not None:
                response = context.request.post(
                    "/login",
                    form={"email": self.data[f"{role}_email"], "password": PASSWORD},
                    max_redirects=0,
                )
                assert response.status == 302, f"{role} could not sign in ({response.status})"
            page = context.new_page()
            page.set_default_timeout(10_000)
            self.contexts[role], self.pages[role] = context, page
        return self.pages[role]

    def _watch_request(self, request) -> None:
        url = request.url
        if not (
            url.startswith(self.base_url + "/")
            or url == self.base_url
            or url.startswith(("data:", "blob:", "about:"))
        ):
            self.foreign_requests.append(url)

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()

    def run(self, rows: list[Row], lang: str) -> SweepReport:
        report = SweepReport()
        started = time.perf_counter()
        for row in rows:
            page = self.page_for(row.role)
            page.set_extra_http_headers({"Accept-Language": lang})
            for state in row.states:
                where = f"[{lang}] {row.label()} — {state.name}"
                visit = Visit(page, self.data, self.app, lang, self.base_url)
                began = time.perf_counter()
                try:
                    page.goto(row.url.format(**self.data), wait_until="load")
                    if state.act:
                        state.act(visit)
                    report.problems.extend(f"{where}: {p}" for p in self.check(page, lang, state))
                except Exception as exc:  # noqa: BLE001 - report and go on with the next page
                    report.problems.append(f"{where}: could not be visited: {exc}".splitlines()[0])
                finally:
                    report.visits += 1
                    report.timings.append((time.perf_counter() - began, where))
                    if state.reset:
                        state.reset(visit)
        if self.foreign_requests:
            report.problems.append(
                f"[{lang}] requests to other hosts: {sorted(set(self.foreign_requests))}"
            )
        report.seconds = time.perf_counter() - started
        return report

    def check(self, page, lang: str, state: State) -> list[str]:
        problems: list[str] = []
        facts = page.evaluate(_PAGE_FACTS)
        if facts["status"] != state.status:
            problems.append(f"HTTP {facts['status']} at {facts['url']}, expected {state.status}")
        if facts["lang"] != lang:
            problems.append(f'<html lang="{facts["lang"]}">, expected "{lang}"')
        if not facts["title"].strip():
            problems.append("the page has no title")
        if state.errors:
            if not facts["title"].startswith(ERROR_PREFIX[lang]):
                problems.append(
                    f"error state without “{ERROR_PREFIX[lang]}” in the title: {facts['title']!r}"
                )
            if facts["summary"] and not facts["summaryFocused"]:
                problems.append("the error summary does not have the focus")
        elif facts["title"].startswith(ERROR_PREFIX[lang]):
            problems.append(f"“{ERROR_PREFIX[lang]}” in the title of a state without errors")
        if "skip-link" not in facts["firstFocusable"] or "#main" not in facts["firstFocusable"]:
            problems.append(
                f"the first focusable element is not the skip link: {facts['firstFocusable']!r}"
            )
        if (facts["mains"], facts["banners"], facts["footers"]) != (1, 1, 1):
            problems.append("landmarks: expected one main#main, one header and one footer")
        levels = facts["levels"]
        if levels.count(1) != 1:
            problems.append(f"expected exactly one h1, found {levels.count(1)}")
        for before, after in zip(levels, levels[1:], strict=False):
            if after > before + 1:
                problems.append(f"heading levels skip from h{before} to h{after}")
                break
        result = page.evaluate(f"axe.run(document, {_json(AXE_OPTIONS)})")
        if result["violations"]:
            problems.append("axe: " + AxeResults(result).generate_report().strip())
        problems.extend(self._reflow(page))
        return problems

    def _reflow(self, page) -> list[str]:
        problems = []
        page.set_viewport_size(NARROW)
        try:
            plain = {"scrollWidth": page.evaluate("document.documentElement.scrollWidth")}
            if plain["scrollWidth"] > NARROW["width"]:
                problems.append(
                    f"at 320 px the page scrolls sideways (scrollWidth {plain['scrollWidth']}; "
                    f"too wide: {page.evaluate(_WIDE)})"
                )
            page.evaluate(
                "css => { const s = document.createElement('style'); s.id = 'a11y-spacing';"
                " s.textContent = css; document.head.appendChild(s); }",
                TEXT_SPACING_CSS,
            )
            spaced = page.evaluate(_OVERFLOW)
            page.evaluate("() => document.getElementById('a11y-spacing').remove()")
            if spaced["scrollWidth"] > NARROW["width"] >= plain["scrollWidth"]:
                problems.append(
                    f"with text spacing at 320 px the page scrolls sideways ({spaced['scrollWidth']})"
                )
            if spaced["clipped"]:
                problems.append(f"with text spacing, text is cut off in: {spaced['clipped']}")
        finally:
            page.set_viewport_size(DESKTOP)
        return problems

    def run_reflow(self, rows: list[Row], lang: str, widths: tuple[int, ...]) -> SweepReport:
        """A lighter pass: open every row's URL (no actions) and check only that the page does not
        scroll sideways at each width (for example with the largest text size switched on)."""
        report = SweepReport()
        started = time.perf_counter()
        for row in rows:
            page = self.page_for(row.role)
            page.set_extra_http_headers({"Accept-Language": lang})
            where = f"[{lang}] {row.label()}"
            try:
                page.goto(row.url.format(**self.data), wait_until="load")
                for width in widths:
                    page.set_viewport_size({"width": width, "height": 800})
                    scroll = page.evaluate("document.documentElement.scrollWidth")
                    if scroll > width:
                        report.problems.append(
                            f"{where}: at {width} px the page scrolls sideways "
                            f"({scroll}; too wide: {page.evaluate(_WIDE)})"
                        )
            except Exception as exc:  # noqa: BLE001
                report.problems.append(f"{where}: could not be visited: {exc}".splitlines()[0])
            finally:
                page.set_viewport_size(DESKTOP)
                report.visits += 1
        report.seconds = time.perf_counter() - started
        return report


def _json(value: Any) -> str:
    import json

    return json.dumps(value)
