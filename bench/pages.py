"""Page benchmark: the learner's pages, as ratios against the bare /healthz endpoint.

    .venv/bin/python bench/pages.py [--requests 200] [--database-url URL]

Builds a throwaway SQLite database (or uses --database-url, e.g. a PostgreSQL database you
created for it), loads the demo data and the shipped courses, gives the demo learner progress in a
course, then times each page through the WSGI test client, interleaved with /healthz (a route that
runs one `SELECT 1`) so both see the same machine load. Prints the median time per page and the
ratio to /healthz; the numbers are only comparable within one run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.demo import DEMO_PASSWORD, seed  # noqa: E402
from app.extensions import db  # noqa: E402


def build_app(database_url: str | None, workdir: Path):
    url = database_url or f"sqlite:///{workdir / 'bench.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_OUTBOX_DIR": str(workdir / "outbox"),
        }
    )
    with app.app_context():
        upgrade()
        seed()
        db.session.commit()
    return app


def timed(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(args.database_url, Path(tmp))
        client = app.test_client()
        client.post("/login", data={"email": "learner@example.org", "password": DEMO_PASSWORD})
        with app.app_context():
            from app.courses.cli import current_catalog

            course = next(iter(sorted(current_catalog().published(), key=lambda c: c.id)))
        first, last = course.modules[0].id, course.modules[-1].id
        # Progress: the learner has opened every module once.
        for module in course.modules:
            client.get(f"/courses/{course.id}/{module.id}")
        pages = {
            "healthz (bare)": "/healthz",
            "home": "/",
            "catalogue": "/courses",
            "course page": f"/courses/{course.id}",
            "module page (first)": f"/courses/{course.id}/{first}",
            "module page (last)": f"/courses/{course.id}/{last}",
            "my learning": "/my",
        }
        for url in pages.values():  # warm caches (templates, rendered Markdown)
            timed(client, url)
        samples: dict[str, list[float]] = {name: [] for name in pages}
        for _ in range(args.requests):
            for name, url in pages.items():
                samples[name].append(timed(client, url))
        base = statistics.median(samples["healthz (bare)"])
        backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
        print(f"{args.requests} requests per page, database: {backend}")
        print(f"{'page':<24}{'median ms':>12}{'ratio':>8}")
        for name, values in samples.items():
            median = statistics.median(values)
            print(f"{name:<24}{median * 1000:>12.2f}{median / base:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
