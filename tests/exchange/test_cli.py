"""``questionnaire banks import`` and ``banks export`` on the configured database."""

from __future__ import annotations

from sqlalchemy import select

from questionnaire.banks.models import Item, VersionStatus
from tests.exchange.conftest import SAMPLES


def test_import_gift_through_the_cli(app, db, loaded_bank):
    loaded_bank()
    result = app.test_cli_runner().invoke(
        args=[
            "banks",
            "import",
            str(SAMPLES / "moodle_examples.gift"),
            "--format",
            "gift",
            "--theme",
            "fiscalite",
        ]
    )
    assert result.exit_code == 0, result.output
    assert (
        "moodle_examples.gift : 10 importé(s), 0 inchangé(s), 5 ignoré(s), 0 erreur(s)"
        in result.output
    )
    assert "[ignoré] ligne 39 : question d'appariement" in result.output
    drafts = db.session.execute(select(Item).where(Item.external_id.like("IMP-%"))).scalars().all()
    assert len(drafts) == 10
    assert all(item.latest_version.status is VersionStatus.DRAFT for item in drafts)


def test_import_format_is_guessed_and_a_rejected_file_exits_1(app, db, loaded_bank, tmp_path):
    loaded_bank()
    runner = app.test_cli_runner()
    ok = runner.invoke(
        args=["banks", "import", str(SAMPLES / "choice.xml"), "--theme", "fiscalite"]
    )
    assert ok.exit_code == 0 and "1 importé(s)" in ok.output
    bad = tmp_path / "bad.gift"
    bad.write_text("Q1 ?{=a ~b ~c}\n\nQ2 ?{=a ~b\n", encoding="utf-8")
    result = runner.invoke(args=["banks", "import", str(bad), "--theme", "fiscalite"])
    assert result.exit_code == 1
    assert "[erreur] ligne 3 : accolade fermante « } » manquante : " in result.output
    assert "Aucun item importé : 1 erreur(s)." in result.output
    garbage = tmp_path / "rien.gift"  # nothing GIFT can import: refused, not « 0 importé(s) »
    garbage.write_bytes(b"PK\x03\x04 not a question")
    refused = runner.invoke(args=["banks", "import", str(garbage), "--theme", "fiscalite"])
    assert refused.exit_code == 1
    assert "aucun item importable dans le fichier (1 élément(s) ignoré(s)" in refused.output
    unknown = tmp_path / "items.txt.bak"
    unknown.write_text("x", encoding="utf-8")
    assert (
        runner.invoke(args=["banks", "import", str(unknown), "--theme", "fiscalite"]).exit_code == 2
    )


def test_export_every_status_or_only_some(app, db, loaded_bank, tmp_path):
    loaded_bank()
    runner = app.test_cli_runner()
    runner.invoke(args=["banks", "import", str(SAMPLES / "choice.xml"), "--theme", "fiscalite"])
    everything = tmp_path / "all.yaml"
    result = runner.invoke(
        args=["banks", "export", "--theme", "fiscalite", "--format", "yaml", "-o", str(everything)]
    )
    assert result.exit_code == 0 and "9 item(s) exporté(s)" in result.output
    assert "id: choice" in everything.read_text(encoding="utf-8")
    drafts = tmp_path / "drafts.gift"
    result = runner.invoke(
        args=[
            "banks",
            "export",
            "--theme",
            "fiscalite",
            "--format",
            "gift",
            "--status",
            "draft",
            "-o",
            str(drafts),
        ]
    )
    assert "1 item(s) exporté(s)" in result.output
    assert "// @id: choice\n" in drafts.read_text(encoding="utf-8")
    again = runner.invoke(args=["banks", "import", str(drafts), "--theme", "fiscalite"])
    assert "0 importé(s), 1 inchangé(s)" in again.output
    refused = runner.invoke(
        args=["banks", "export", "--theme", "nope", "--format", "csv", "-o", str(drafts)]
    )
    assert refused.exit_code == 1 and "nope" in refused.output


def args_for(path: str) -> list[str]:
    return ["banks", "import", path, "--theme", "fiscalite"]


def test_import_author_option(app, db, loaded_bank, make_user):
    from questionnaire.auth.models import Role
    from questionnaire.authoring.models import VersionAuthorship

    loaded_bank()
    author = make_user(Role.AUTHOR, email="auteur@example.org")
    runner = app.test_cli_runner()
    sample_path = str(SAMPLES / "choice.xml")
    unknown = runner.invoke(
        args=["banks", "import", sample_path, "--theme", "fiscalite", "--author", "x@example.org"]
    )
    assert unknown.exit_code == 2 and "x@example.org" in unknown.output
    make_user(Role.CANDIDATE, email="candidat@example.org")
    not_author = runner.invoke(args=[*args_for(sample_path), "--author", "candidat@example.org"])
    assert not_author.exit_code == 2 and "rôle auteur" in not_author.output
    args = [
        "banks",
        "import",
        sample_path,
        "--theme",
        "fiscalite",
        "--author",
        "auteur@example.org",
    ]
    assert runner.invoke(args=args).exit_code == 0
    record = db.session.execute(select(VersionAuthorship)).scalar_one()
    assert record.author_id == author.id


def test_import_a_tao_style_package_through_the_cli(app, db, loaded_bank, tmp_path):
    import zipfile

    loaded_bank()
    package = tmp_path / "export_tao.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr(
            "imsmanifest.xml",
            '<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"><resources>'
            '<resource identifier="a" type="imsqti_item_xmlv2p1" href="items/a/qti.xml"/>'
            '<resource identifier="b" type="imsqti_item_xmlv2p2" href="items/b/qti.xml"/>'
            '<resource identifier="c" type="imsqti_item_xmlv2p1" href="items/c/qti.xml"/>'
            "</resources></manifest>",
        )
        archive.writestr("items/a/qti.xml", (SAMPLES / "tao_rich_v2p1.xml").read_bytes())
        archive.writestr("items/b/qti.xml", (SAMPLES / "choice_multiple.xml").read_bytes())
        archive.writestr("items/c/qti.xml", (SAMPLES / "text_entry.xml").read_bytes())
    result = app.test_cli_runner().invoke(
        args=["banks", "import", str(package), "--theme", "fiscalite"]
    )
    assert result.exit_code == 0, result.output
    assert "export_tao.zip : 2 importé(s), 0 inchangé(s), 1 ignoré(s), 0 erreur(s)" in result.output
    assert (
        "[ignoré] export_tao.zip:items/c/qti.xml (textEntry) : interaction non prise en charge"
        in result.output
    )
    assert "[importé] export_tao.zip:items/a/qti.xml (i1234) : i1234 : nouvel item" in result.output
    drafts = db.session.execute(
        select(Item).where(Item.external_id.in_(["i1234", "choiceMultiple"]))
    )
    assert [item.latest_version.status for item in drafts.scalars()] == [VersionStatus.DRAFT] * 2
