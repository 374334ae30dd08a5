"""The notice's retention of accounts: the purge pseudonymises dormant candidate accounts only
(docs/rgpd-register.md, row 1); staff accounts are kept while the person holds the function. The
notice told everyone, staff included, that their account went after N days without activity."""

from __future__ import annotations

from tests.conftest import page_text


def test_the_notice_tells_candidates_and_staff_apart(app, client):
    app.config["RETENTION_ACCOUNT_DAYS"] = 1000
    text = page_text(client.get("/confidentialite").get_data(as_text=True)).replace("&#39;", "'")
    assert "Candidats : 1000 jours après la dernière activité" in text
    assert (
        "Personnel (auteurs, relecteurs, jury, administrateurs) : tant que la personne exerce "
        "sa fonction, puis effacement sur demande"
    ) in text
