"""A zip of QTI items made by macOS (Finder's « Compresser ») without a manifest.

The Finder adds, for each file, an AppleDouble twin « __MACOSX/<dossier>/._<nom> » (binary
resource data, named .xml like its file). The loose-file reader took each for an item file:
« XML mal formé » on a file the author never made, and the whole archive refused.
"""

from __future__ import annotations

import io
import zipfile

from questionnaire.exchange.qti import parse_qti
from tests.exchange.conftest import TODAY, sample

APPLE_DOUBLE = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \x00\x02\x00\x00\x00\x09"


def test_the_finder_s_own_files_are_not_read_as_items():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("items/choice.xml", sample("choice.xml"))
        archive.writestr("__MACOSX/items/._choice.xml", APPLE_DOUBLE)
        archive.writestr("items/._choice.xml", APPLE_DOUBLE)  # a zip made by the command line
    result = parse_qti(buffer.getvalue(), "items.zip", TODAY)
    assert result.report.errors == []
    assert result.report.skipped == []
    assert [source.item.id for source in result.items] == ["choice"]
