"""Zip archives whose entry names are UTF-8 without the flag that says so.

Many archivers (Info-ZIP, macOS's) write « items/énoncé.xml » in UTF-8 without setting the
archive's UTF-8 flag; Python then reads the name as code page 437 (« items/├⌐nonc├⌐.xml »), so
the manifest's « items/énoncé.xml » was « déclaré dans le manifeste mais absent du paquet »
and the package refused, though the file was there.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile

import pytest

from questionnaire.exchange.qti import parse_qti
from questionnaire.exchange.safety import SafeZip, UnsafeArchive
from tests.exchange.conftest import TODAY, sample

MANIFEST = """<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"><resources>
<resource identifier="r1" type="imsqti_item_xmlv2p1" href="items/énoncé.xml">
<file href="items/énoncé.xml"/></resource></resources></manifest>"""


def _unflagged(files: dict[str, bytes]) -> bytes:
    """An archive whose names are written as UTF-8 bytes without the UTF-8 flag."""
    buffer = io.BytesIO()
    placeholders = {}
    with zipfile.ZipFile(buffer, "w") as archive:
        for index, (name, data) in enumerate(files.items()):
            raw = name.encode("utf-8")
            placeholder = chr(ord("A") + index) * len(raw)  # ASCII, same length: unflagged
            placeholders[placeholder.encode()] = raw
            archive.writestr(placeholder, data)
    data = buffer.getvalue()
    for placeholder, raw in placeholders.items():
        data = data.replace(placeholder, raw)
    return data


def test_a_package_with_unflagged_utf8_names_is_read():
    data = _unflagged(
        {"imsmanifest.xml": MANIFEST.encode(), "items/énoncé.xml": sample("choice.xml")}
    )
    assert "items/énoncé.xml" not in zipfile.ZipFile(io.BytesIO(data)).namelist()
    result = parse_qti(data, "paquet.zip", TODAY)
    assert result.report.errors == []
    assert [source.location for source in result.items] == ["paquet.zip:items/énoncé.xml (choice)"]


def test_unflagged_names_are_checked_once_read_as_utf8():
    with pytest.raises(UnsafeArchive) as refused:
        SafeZip(_unflagged({"../é.xml": b"<x/>"}))
    assert str(refused.value) == "chemin refusé dans l'archive : « ../é.xml »."


def test_a_name_decomposed_by_macos_matches_the_manifest_s():
    """macOS writes « é » as « e » + accent (NFD), a manifest as one character (NFC): the
    same name, compared character by character, was « absent du paquet »."""
    decomposed = unicodedata.normalize("NFD", "items/énoncé.xml")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", MANIFEST.encode())
        archive.writestr(decomposed, sample("choice.xml"))
    result = parse_qti(buffer.getvalue(), "paquet.zip", TODAY)
    assert result.report.errors == []
    assert [source.item.id for source in result.items] == ["choice"]


def test_a_manifest_naming_a_file_in_another_case_finds_it():
    """A package put together on Windows, where « Items/Q1.XML » and « items/q1.xml » are one
    file: the manifest's spelling was « absent du paquet »."""
    manifest = MANIFEST.replace("items/énoncé.xml", "Items/Énoncé.XML")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", manifest.encode())
        archive.writestr("items/énoncé.xml", sample("choice.xml"))
    result = parse_qti(buffer.getvalue(), "paquet.zip", TODAY)
    assert result.report.errors == []
    assert [source.item.id for source in result.items] == ["choice"]


def test_two_files_differing_by_case_only_are_not_guessed():
    manifest = MANIFEST.replace("items/énoncé.xml", "Items/Énoncé.XML")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", manifest.encode())
        archive.writestr("items/énoncé.xml", sample("choice.xml"))
        archive.writestr("ITEMS/énoncé.xml", sample("choice.xml"))
    result = parse_qti(buffer.getvalue(), "paquet.zip", TODAY)
    assert [(e.location, e.message) for e in result.report.errors] == [
        (
            "paquet.zip:Items/Énoncé.XML",
            "fichier déclaré dans le manifeste mais absent du paquet.",
        )
    ]
