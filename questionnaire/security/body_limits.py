"""Request limits per route, and the reverse proxies whose forwarded headers are trusted."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

from flask import Flask, abort, current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.http import parse_set_header
from werkzeug.middleware.proxy_fix import ProxyFix

from questionnaire.i18n import _

log = logging.getLogger(__name__)

# Bodies far smaller than MAX_CONTENT_LENGTH where a larger one can only be abuse (bytes).
ROUTE_BODY_LIMITS = {
    "auth.login": 8 * 1024,
    "api.login": 4 * 1024,
    "api.save": 16 * 1024,
    "api.flag": 1024,
    "api.submit": 1024,
    "api.start": 1024,
    # the same exam steps as plain HTML forms (without JavaScript): CSRF token and a few fields
    "attempts.session_home": 4 * 1024,
    "attempts.question": 16 * 1024,
    "attempts.review": 4 * 1024,
}


class BoundedJSONProvider(DefaultJSONProvider):
    """JSON nested deeper than the parser goes is unreadable JSON (a ValueError, hence a 400
    from the views), not a RecursionError: a few kilobytes of ``[`` made a server error.

    Bytes are read as UTF-8 (a byte order mark allowed), as RFC 8259 § 8.1 asks and as the
    guards below inspect them: ``json.loads`` would guess UTF-16 or UTF-32 from the bytes, and
    pass a lone surrogate encoded in UTF-8 ("surrogatepass"), round the NUL and surrogate checks.
    """

    def loads(self, s, **kwargs):
        if isinstance(s, bytes | bytearray):
            s = bytes(s).decode("utf-8-sig")  # UnicodeDecodeError: a ValueError
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON trop profondément imbriqué.") from None


def init_app(app: Flask) -> None:
    bounded = BoundedJSONProvider(app)
    bounded.sort_keys = app.json.sort_keys  # type: ignore[attr-defined]
    app.json = bounded
    proxies = app.config.get("PROXY_COUNT", 0)
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )

    def limit_body_size() -> None:
        limit = ROUTE_BODY_LIMITS.get(request.endpoint or "")
        if limit is not None:
            request.max_content_length = limit
        read_streamed_body()

    # First of all hooks: CSRF protection reads the body, which fixes the limit in force.
    hooks = app.before_request_funcs.setdefault(None, [])
    hooks.insert(0, limit_body_size)
    hooks.insert(1, refuse_nul_characters)
    hooks.insert(2, refuse_lone_surrogates)


UNREADABLE_BODY = _(
    "Corps de la requête illisible : envoi interrompu ou mal découpé en morceaux "
    "(Transfer-Encoding: chunked). Rien n'a été enregistré : envoyez-le de nouveau."
)


def read_streamed_body() -> None:
    """A body sent without a length (``Transfer-Encoding: chunked``) held to the same limit.

    The server (gunicorn, werkzeug's) passes it de-chunked with ``wsgi.input_terminated``, and
    werkzeug cuts it at ``max_content_length`` without a word: an oversized body was read
    truncated, a 400 « JSON invalide » on the API, and a form's first fields applied. Read here
    (at most one byte past the limit), it is a 413 when larger, else given to werkzeug with its
    length, like any other body. A server that does not say it ends such a stream (no
    ``wsgi.input_terminated``) leaves it unsafe to read, and werkzeug reads it as empty: the call
    would fail for another reason than its own, so it is a 411 (a length is required).
    """
    environ = request.environ
    limit = request.max_content_length
    if (
        limit is None
        or "chunked" not in parse_set_header(environ.get("HTTP_TRANSFER_ENCODING"))
        or "stream" in request.__dict__  # already read: too late to bound it here
    ):
        return
    if "wsgi.input_terminated" not in environ:
        abort(411)
    stream = environ["wsgi.input"]
    body = bytearray()
    while len(body) <= limit:
        try:
            chunk = stream.read(limit + 1 - len(body))
        except Exception as error:  # the server's own parser: gunicorn's are no OSError
            log.info("unreadable chunked body: %r", error)
            abort(400, description=UNREADABLE_BODY)
        if not chunk:
            break
        body += chunk
    if len(body) > limit:
        raise RequestEntityTooLarge()
    environ["wsgi.input"] = io.BytesIO(bytes(body))
    environ["CONTENT_LENGTH"] = str(len(body))
    del environ["HTTP_TRANSFER_ENCODING"]
    request.__dict__.pop("content_length", None)


FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def refuse_nul_characters() -> None:
    """400 for a NUL character in the path, the query, a form field or a JSON body.

    PostgreSQL refuses NUL in text: let through, it would surface as a server error wherever
    the value reaches a query. Uploaded files are not inspected (binary formats contain NUL).
    """
    # every value of a repeated name: ``MultiDict.values()`` gives the first of each only
    values: list[str] = [request.path, *(v for _, v in request.args.items(multi=True))]
    if request.mimetype in FORM_TYPES:
        values.extend(v for _, v in request.form.items(multi=True))
    if any("\x00" in value for value in values) or (
        request.is_json and b"\\u0000" in request.get_data(cache=True)
    ):
        abort(400, description=_("Caractère nul interdit dans la requête."))


# a JSON escape of half a UTF-16 pair (\ud800 to \udfff): cheap to look for before parsing
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _strings(document) -> Iterator[str]:
    """Every string of a parsed JSON document, keys included (no recursion: any depth)."""
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from value
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def refuse_lone_surrogates() -> None:
    """400 for a JSON string holding half a UTF-16 pair (``"\\ud800"`` alone).

    JSON lets it be written and Python parses it, but no UTF-8 text can hold it: the password
    hasher, the database driver or the response would fail on it, a server error. Forms,
    queries and paths cannot carry one (their bytes are decoded as UTF-8, errors replaced).
    """
    if not request.is_json:
        return
    body = request.get_data(cache=True)
    if not _SURROGATE_ESCAPE.search(body):
        return
    try:
        document = current_app.json.loads(body)
    except ValueError:
        return  # the view answers an unreadable body in its own words
    if any(0xD800 <= ord(ch) <= 0xDFFF for text in _strings(document) for ch in text):
        abort(400, description=_("Caractère invalide dans la requête : texte non Unicode."))
