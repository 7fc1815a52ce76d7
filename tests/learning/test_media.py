"""Course media: only files inside the course's media folder, with caching headers."""

from __future__ import annotations

import pytest


def get(client, path, **kwargs):
    """GET and close the response (files are streamed; an unclosed one warns)."""
    response = client.get(path, **kwargs)
    response.get_data()
    response.close()
    return response


def test_media_file_is_served_with_caching_headers(app, client, courses):
    response = get(client, "/courses/library-basics/media/room.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG")
    assert "public" in response.headers["Cache-Control"]
    assert "max-age=86400" in response.headers["Cache-Control"]
    assert response.headers["ETag"]
    assert response.headers["Last-Modified"]
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_conditional_requests_get_304(app, client, courses):
    first = get(client, "/courses/library-basics/media/room.png")
    by_etag = get(
        client,
        "/courses/library-basics/media/room.png",
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert by_etag.status_code == 304
    assert by_etag.data == b""
    by_date = get(
        client,
        "/courses/library-basics/media/room.png",
        headers={"If-Modified-Since": first.headers["Last-Modified"]},
    )
    assert by_date.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/courses/library-basics/media/../course.yml",
        "/courses/library-basics/media/%2e%2e/course.yml",
        "/courses/library-basics/media/..%2fcourse.yml",
        "/courses/library-basics/media/%2fetc%2fpasswd",
        "/courses/library-basics/media//etc/passwd",
        "/courses/library-basics/media/missing.png",
        "/courses/library-basics/media/",
        "/courses/no-such-course/media/room.png",
        "/courses/draft-course/media/room.png",
    ],
)
def test_nothing_outside_the_media_folder_is_served(app, client, courses, path):
    response = get(client, path)
    assert response.status_code in (404, 308), path
    assert b"id: library-basics" not in response.data
    assert b"root:" not in response.data


def test_symlink_out_of_the_media_folder_is_refused(app, client, courses):
    link = courses / "library-basics" / "media" / "escape.yml"
    link.symlink_to(courses / "library-basics" / "course.yml")
    assert get(client, "/courses/library-basics/media/escape.yml").status_code == 404


def test_draft_media_only_for_trainers_and_not_cached_publicly(
    app, client, login_as, factory, courses
):
    media = courses / "draft-course" / "media"
    media.mkdir()
    (media / "plan.png").write_bytes(
        (courses / "library-basics" / "media" / "room.png").read_bytes()
    )
    assert get(client, "/courses/draft-course/media/plan.png").status_code == 404
    factory.user(email="trainer@example.org", role="trainer")
    login_as("trainer@example.org")
    response = get(client, "/courses/draft-course/media/plan.png")
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]
