"""The end-to-end server itself: a response's file is closed before a byte is sent."""

from __future__ import annotations

from tests.e2e.conftest import buffered


class _Body:
    def __init__(self, chunks):
        self.chunks = chunks
        self.closed = False

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        self.closed = True


def test_a_response_is_whole_and_its_iterable_closed_before_it_is_sent():
    body = _Body([b"<svg", b"/>"])
    statuses = []

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "image/svg+xml")])
        return body

    answer = buffered(app)({}, lambda status, headers: statuses.append(status))

    assert body.closed
    assert list(answer) == [b"<svg/>"]
    assert statuses == ["200 OK"]


def test_the_real_application_static_file_is_served_whole(live_app):
    statuses = []
    answer = buffered(live_app)(
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/static/img/favicon.svg",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
            "wsgi.input": None,
        },
        lambda status, headers: statuses.append(status),
    )

    assert statuses == ["200 OK"]
    assert b"<svg" in b"".join(answer)
