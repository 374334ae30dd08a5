"""Parser errors (expat, PyYAML, csv, zipfile) told in French, with line and column.

The libraries word their errors in English; an author reads the import report in French. Known
errors get a French sentence; an unknown one a generic sentence with the library's own words
labelled as a technical detail.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import errors as expat

import yaml

XML_MESSAGES = {
    expat.XML_ERROR_SYNTAX: "erreur de syntaxe : ce n'est pas du XML",
    expat.XML_ERROR_NO_ELEMENTS: "document vide ou incomplet : aucun élément",
    expat.XML_ERROR_INVALID_TOKEN: "caractère ou balise invalide",
    expat.XML_ERROR_UNCLOSED_TOKEN: "balise non fermée (« > » manquant ?)",
    expat.XML_ERROR_PARTIAL_CHAR: "caractère tronqué (encodage incorrect ?)",
    expat.XML_ERROR_TAG_MISMATCH: (
        "balise fermante différente de la balise ouverte correspondante"
    ),
    expat.XML_ERROR_DUPLICATE_ATTRIBUTE: "attribut en double dans une balise",
    expat.XML_ERROR_JUNK_AFTER_DOC_ELEMENT: (
        "contenu après la fin de l'élément racine (un document XML n'a qu'une racine)"
    ),
    expat.XML_ERROR_UNDEFINED_ENTITY: (
        "entité inconnue (dans le texte, un « & » s'écrit « &amp; »)"
    ),
    expat.XML_ERROR_BAD_CHAR_REF: "référence à un caractère interdit (&#…;)",
    expat.XML_ERROR_UNCLOSED_CDATA_SECTION: "section CDATA non fermée (« ]]> »)",
    expat.XML_ERROR_MISPLACED_XML_PI: (
        "déclaration « <?xml … ?> » ailleurs qu'au tout début du fichier"
    ),
    expat.XML_ERROR_INCORRECT_ENCODING: "encodage déclaré incorrect",
    expat.XML_ERROR_UNKNOWN_ENCODING: "encodage déclaré inconnu",
    expat.XML_ERROR_XML_DECL: "déclaration « <?xml … ?> » mal formée",
    expat.XML_ERROR_UNBOUND_PREFIX: "préfixe d'espace de noms non déclaré",
}

FORBIDDEN_XML = {
    "DTDForbidden": "déclaration de DTD (<!DOCTYPE …>)",
    "EntitiesForbidden": "déclaration d'entité (<!ENTITY …>)",
    "ExternalReferenceForbidden": "référence à une ressource externe",
    "NotSupportedError": "construction XML non prise en charge",
}


def technical_detail(text: object) -> str:
    """The library's own words, labelled as such (they are in English)."""
    return f" (détail technique : {text})"


def shown_value(value: object, limit: int = 60) -> str:
    """A value read from a file as a message quotes it: short whatever its size (a YAML alias
    can make a list of millions of elements from a few lines, and Python refuses to write an
    integer of more than 4,300 digits)."""
    if isinstance(value, dict):
        return "un dictionnaire"
    if isinstance(value, list | tuple | set):
        return "une liste"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**limit:
        return f"un nombre de plus de {limit} chiffres"
    text = repr(value[: limit + 1]) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(line: int, column: int) -> str:
    return f"ligne {line}, colonne {column}"


def xml_error(exc: ParseError) -> str:
    """« XML mal formé (ligne 1, colonne 1) : balise non fermée … »."""
    line, column = getattr(exc, "position", (0, -1))
    reason = expat.messages.get(getattr(exc, "code", 0), "")
    text = XML_MESSAGES.get(reason)
    if text is None:
        text = "structure XML incorrecte" + technical_detail(reason or exc)
    return f"XML mal formé ({_where(line, column + 1)}) : {text}."


def forbidden_xml_error(exc: Exception) -> str:
    """What defusedxml refused, named in French."""
    what = FORBIDDEN_XML.get(type(exc).__name__, "construction XML interdite")
    return (
        f"XML refusé : {what}. Les DTD, entités et références externes sont interdites "
        "par sécurité."
    )


def unknown_encoding_error(exc: LookupError) -> str:
    return "XML illisible : l'encodage déclaré dans « <?xml … ?> » est inconnu (UTF-8 attendu)."


def _token(text: str) -> str:
    """A PyYAML token (« ':' », « '<stream end>' », « <scalar> ») in French."""
    text = text.strip("'")
    names = {
        "<stream end>": "la fin du fichier",
        "<block end>": "la fin d'un bloc",
        "<scalar>": "une valeur",
        "<block mapping start>": "un dictionnaire",
        "<block sequence start>": "une liste",
        "<block entry>": "« - »",
        "?": "une clé",
    }
    return names.get(text, f"« {text} »")


_YAML_MESSAGES: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (
            r"expected <block end>, but found (.+)",
            "{0} inattendu : l'indentation ou la structure est incohérente "
            "(une clé « : » et un élément de liste « - » au même niveau ?)",
        ),
        (
            r"expected ',' or '\]', but got (.+)",
            "liste entre crochets non fermée : « , » ou « ] » attendu, trouvé {0}",
        ),
        (
            r"expected ',' or '\}', but got (.+)",
            "dictionnaire entre accolades non fermé : « , » ou « } » attendu, trouvé {0}",
        ),
        # libyaml (the C loader) words the same two errors without what it found
        (
            r"did not find expected ',' or '\]'",
            "liste entre crochets non fermée : « , » ou « ] » attendu",
        ),
        (
            r"did not find expected ',' or '\}'",
            "dictionnaire entre accolades non fermé : « , » ou « } » attendu",
        ),
        (r"did not find expected key", "clé attendue : l'indentation est incohérente"),
        (r"expected (.+), but found (.+)", "{0} attendu, trouvé {1}"),
        (
            r"mapping values are not allowed (?:here|in this context)",  # pure Python | libyaml
            "« : » inattendu (une valeur contenant « : » se met entre guillemets ; "
            "sinon, vérifiez l'indentation)",
        ),
        (
            r"found character '\\t' that cannot start any token|found a tab character",
            "tabulation : indentez avec des espaces",
        ),
        (
            r"found character (.+) that cannot start any token",
            "une valeur ne peut pas commencer par {0} : mettez-la entre guillemets",
        ),
        (
            r"found unexpected end of stream",
            "guillemet non fermé : le fichier se termine avant le guillemet fermant",
        ),
        (r"could not find expected ':'", "« : » attendu après une clé"),
        (
            r"found unknown escape character (.+)",
            "séquence d'échappement inconnue « \\{0} » entre guillemets doubles",
        ),
        (r"found undefined alias (.+)", "alias {0} sans ancre « & » correspondante"),
        (
            r"found duplicate key (.+)",
            "clé {0} écrite deux fois dans le même dictionnaire : seule la dernière serait lue, "
            "gardez-en une",
        ),
        (r"second occurrence", "ancre « & » définie deux fois"),
        (
            r"found an impossible date (.+)",
            "date impossible {0} : vérifiez le jour et le mois (AAAA-MM-JJ)",
        ),
        (r"found an integer too long", "nombre trop long (plus de 4 300 chiffres)"),
        (
            r"document nested too deeply|exceeded maximum nesting depth",  # ours | libyaml
            "listes ou dictionnaires imbriqués trop profondément les uns dans les autres",
        ),
        (
            r"could not determine a constructor for the tag",
            "étiquette « !! » non permise : seules des données simples sont acceptées",
        ),
        (
            r"found unhashable key",
            "clé invalide : une liste ou un dictionnaire ne peut pas servir de clé",
        ),
        (
            r"but found another document",
            "plusieurs documents (« --- ») dans le fichier : un seul est attendu",
        ),
    )
)


def _translate_yaml(problem: str) -> str:
    for pattern, message in _YAML_MESSAGES:
        match = pattern.search(problem)
        if match:
            # not str.format: the messages quote « } » and « { » as they are
            tokens = [_token(group) for group in match.groups()]
            return re.sub(
                r"\{(\d)\}", lambda ref, tokens=tokens: tokens[int(ref.group(1))], message
            )
    return "syntaxe YAML incorrecte" + technical_detail(problem)


def yaml_error(exc: yaml.YAMLError, text: str = "") -> str:
    """« YAML illisible (ligne 1, colonne 3) : « : » inattendu … »."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        what = ""
        if isinstance(exc.character, int):
            what = f" (U+{exc.character:04X})"
            if unicodedata.category(chr(exc.character)) == "Cc":
                # YAML refuses a control character written as such: the author cannot see it
                what = f" (U+{exc.character:04X} : caractère de contrôle invisible, à retirer)"
        return f"YAML illisible ({_where(line, column)}) : caractère non permis{what}."
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f" ({_where(mark.line + 1, mark.column + 1)})" if mark is not None else ""
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    return f"YAML illisible{where} : {_translate_yaml(problem)}."


def read_error(exc: OSError | UnicodeDecodeError) -> str:
    """Why a text file could not be read, in French (a bad byte named by its line)."""
    if isinstance(exc, UnicodeDecodeError):
        line = exc.object[: exc.start].count(b"\n") + 1
        column = exc.start - exc.object.rfind(b"\n", 0, exc.start)
        return (
            f"lecture impossible : le fichier n'est pas en UTF-8 ({_where(line, column)}) ; "
            "enregistrez-le en UTF-8."
        )
    reason = {
        FileNotFoundError: "fichier introuvable",
        IsADirectoryError: "c'est un dossier",
        PermissionError: "permission refusée",
    }.get(type(exc), "erreur du système" + technical_detail(exc.strerror or exc))
    return f"lecture impossible : {reason}."


def csv_error(exc: Exception) -> str:
    """The csv module's error in French."""
    match = re.search(r"field larger than field limit \((\d+)\)", str(exc))
    if match:
        return (
            f"CSV illisible : un champ dépasse {int(match.group(1)):,} caractères".replace(",", " ")
            + " (un guillemet non fermé englobe-t-il la suite du fichier ?)."
        )
    return "CSV illisible" + technical_detail(exc) + "."


def zip_entry_error(name: str, exc: Exception) -> str:
    """Why an archive entry could not be read, in French."""
    # zipfile raises RuntimeError subclasses with these words for an unsupported compression
    # method and for an encrypted entry
    if isinstance(exc, RuntimeError) and "compression method" in str(exc):
        reason = "méthode de compression non prise en charge (enregistrez l'archive en « deflate »)"
    elif isinstance(exc, RuntimeError) and "password" in str(exc):
        reason = "fichier chiffré : envoyez une archive sans mot de passe"
    elif isinstance(exc, zipfile.BadZipFile):
        reason = "contenu endommagé (somme de contrôle ou en-tête incorrect)"
    else:
        reason = "contenu endommagé" + technical_detail(exc)
    return f"« {name} » illisible dans l'archive : {reason}."
