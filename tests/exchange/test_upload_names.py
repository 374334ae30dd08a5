"""The name of an uploaded file, as the report, the item's thread and the journal keep it.

The browser's name was kept as sent: a NUL character in it made PostgreSQL refuse the thread
entry (« Fichier : … »), a server error once the file was imported (tests/postgres), and a
folder or a control character showed as is.
"""

from __future__ import annotations

import html
import io

import pytest
from sqlalchemy import select

from questionnaire.auth.models import Role
from questionnaire.authoring.models import EventKind, ReviewEvent
from tests.conftest import form_token, login

CSV = b"stem;option_a;option_b;option_c;correct\nTaux du PFU ?;12,8 %;30 %;45 %;A\n"


def upload(client, name: str):
    return client.post(
        "/echanges/import",
        data={
            "csrf_token": form_token(client, "/echanges/"),
            "theme": "fiscalite",
            "format": "csv",
            "topic": "",
            "file": (io.BytesIO(CSV), name),
        },
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("items\x00.csv", "items.csv"),
        ("items\x1b[2J.csv", "items[2J.csv"),
        ("<b>items.csv", "&lt;b&gt;items.csv"),
        ("dossier/items.csv", "items.csv"),
        ("\x00", "fichier"),
    ],
)
def test_the_upload_name_is_cleaned(client, db, make_user, loaded_bank, sent, kept):
    loaded_bank()
    make_user(Role.AUTHOR, email="auteur@example.org")
    login(client, "auteur@example.org")
    response = upload(client, sent)
    assert response.status_code == 200
    assert f"Rapport d'import de {kept}</h2>" in response.get_data(as_text=True)
    event = db.session.execute(
        select(ReviewEvent).where(ReviewEvent.kind == EventKind.IMPORTED)
    ).scalar_one()
    assert event.comment == f"Fichier : {html.unescape(kept)}"
