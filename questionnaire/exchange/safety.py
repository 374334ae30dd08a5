"""Limits that keep hostile files harmless: sizes, archive entries and paths, XML entities."""

from __future__ import annotations

import contextlib
import io
import posixpath
import re
import unicodedata
import zipfile
import zlib
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

from questionnaire.banks.fields import one_line
from questionnaire.exchange.report import ImportReport
from questionnaire.parse_errors import (
    forbidden_xml_error,
    technical_detail,
    unknown_encoding_error,
    xml_error,
    zip_entry_error,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_ENTRY_BYTES = 5 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 50 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
#: General-purpose flag bit 11: the entry's name is UTF-8.
_UTF8_FLAG = 0x800


def upload_name(filename: str | None) -> str:
    """An uploaded file's own name, as reports and threads show it: the folders an old browser
    sends (« C:\\fakepath\\… ») and control characters (a NUL, which PostgreSQL refuses)
    removed, 200 characters at most."""
    name = one_line(re.split(r"[\\/]", filename or "")[-1])
    return name[:200] or "fichier"


class UnsafeArchive(Exception):
    """The archive breaks one of the limits; nothing in it is read."""


def check_size(data: bytes, source: str, report: ImportReport) -> bool:
    if len(data) > MAX_FILE_BYTES:
        report.error(
            source, f"fichier trop volumineux ({len(data)} octets ; maximum {MAX_FILE_BYTES})."
        )
        return False
    return True


def is_safe_member_name(name: str) -> bool:
    """A relative path that stays inside the archive (no absolute path, drive or ``..``)."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    if len(name) > 1 and name[1] == ":":
        return False
    return ".." not in posixpath.normpath(name).split("/") and ".." not in name.split("/")


def _member_name(info: zipfile.ZipInfo) -> str:
    """An entry's name; a UTF-8 name its archiver did not flag as such (Info-ZIP, macOS) is read
    as UTF-8, where zipfile reads it as code page 437 (« items/├⌐nonc├⌐.xml »). Composed (NFC),
    as manifests write it, where macOS decomposes « é » into « e » and its accent."""
    name = info.filename
    if not info.flag_bits & _UTF8_FLAG:
        # truly code page 437 (not valid UTF-8): kept as zipfile read it
        with contextlib.suppress(UnicodeError):
            name = name.encode("cp437").decode("utf-8")
    return unicodedata.normalize("NFC", name)


class SafeZip:
    """Read access to a zip archive after checking every entry's name and declared size."""

    def __init__(self, data: bytes):
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except zipfile.BadZipFile as exc:
            raise UnsafeArchive(
                "archive zip illisible : ce n'est pas une archive zip, ou elle est tronquée."
            ) from exc
        except (OSError, ValueError) as exc:
            raise UnsafeArchive(
                "archive zip illisible : elle est endommagée" + technical_detail(exc) + "."
            ) from exc
        if len(infos) > MAX_ZIP_ENTRIES:
            raise UnsafeArchive(
                f"{len(infos)} fichiers dans l'archive (maximum {MAX_ZIP_ENTRIES})."
            )
        total = 0
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = _member_name(info)
            if not is_safe_member_name(name) or not is_safe_member_name(info.filename):
                raise UnsafeArchive(f"chemin refusé dans l'archive : « {name} ».")
            if info.file_size > MAX_ZIP_ENTRY_BYTES:
                raise UnsafeArchive(f"« {name} » est trop volumineux une fois décompressé.")
            total += info.file_size
            if not info.is_dir():
                self._infos[name] = info
        if total > MAX_ZIP_TOTAL_BYTES:
            raise UnsafeArchive(f"contenu décompressé trop volumineux ({total} octets).")
        self.names = set(self._infos)
        self._read_total = 0

    def read(self, name: str) -> bytes:
        """An entry's bytes, reading no more than the limits whatever the header claims."""
        if name not in self.names:
            raise KeyError(name)
        try:
            with self._zip.open(self._infos[name]) as handle:
                data = handle.read(MAX_ZIP_ENTRY_BYTES + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            ValueError,
            RuntimeError,
        ) as exc:  # unsupported compression, encryption, damaged data
            raise UnsafeArchive(zip_entry_error(name, exc)) from exc
        self._read_total += len(data)
        if len(data) > MAX_ZIP_ENTRY_BYTES or self._read_total > MAX_ZIP_TOTAL_BYTES:
            raise UnsafeArchive(f"« {name} » dépasse la taille permise une fois décompressé.")
        return data


def parse_xml(data: bytes, location: str, report: ImportReport) -> Element | None:
    """Parse XML with entity declarations and external references refused (defusedxml)."""
    try:
        return defusedxml.ElementTree.fromstring(data)
    except DefusedXmlException as exc:
        report.error(location, forbidden_xml_error(exc))
    except ParseError as exc:
        report.error(location, xml_error(exc))
    except LookupError as exc:  # an encoding Python does not know, declared in <?xml ?>
        report.error(location, unknown_encoding_error(exc))
    return None
