"""Malformed GIFT is refused with the line of the fault and the question it belongs to.

Moodle reads these without a word: an unclosed title became part of the stem, a second answer
block was merged with the first (« réponse unique mais 2 bonnes réponses »), a « } » too many
ended up in an option, a comment after the answers in the stem, a weight written « %33,3% » in
the option's text.
"""

from __future__ import annotations

from questionnaire.exchange.gift import parse_gift
from tests.exchange.conftest import TODAY


def _parse(text: str):
    return parse_gift(text.encode(), "q.gift", TODAY)


def _errors(text: str) -> list[tuple[str, str]]:
    return [(entry.location, entry.message) for entry in _parse(text).report.errors]


def _warnings(text: str) -> list[str]:
    return [entry.format() for entry in _parse(text).report.warnings]


def test_unclosed_title_names_its_line_and_question():
    result = _parse(
        "::OK:: Première ?{=a ~b ~c}\n\n"
        "::Titre sans fin Quelle est la capitale ?{=Paris ~Lyon ~Nice}\n"
    )
    assert [source.location for source in result.items] == ["ligne 1"]
    [(location, message)] = [(e.location, e.message) for e in result.report.errors]
    assert location == "ligne 3"
    assert message.startswith(
        "titre non fermé : « ::Titre sans fin Quelle est la capitale ? » n'a pas de « :: » final"
    )


def test_title_whose_closing_colons_are_inside_the_answers_is_unclosed():
    # the « :: » found is the one of « 10::30 », after the answers' opening brace
    [(location, message)] = _errors("// x\n::Horaire Quelle heure ?{=10\\:00 ~10::30 ~11h}\n")
    assert location == "ligne 2"
    assert message.startswith("titre non fermé : « ::Horaire Quelle heure ? »")


def test_second_answer_block_is_refused_at_its_own_line():
    assert _errors("Q1 {=a ~b} suite {=c ~d}\n") == [
        (
            "ligne 1",
            "second bloc de réponses {…} dans la question « Q1 » (le premier est ligne 1) : une "
            "question n'en a qu'un ; séparez deux questions par une ligne vide, ou écrivez "
            "« \\{ » et « \\} » pour des accolades dans le texte.",
        )
    ]
    # two questions without the blank line between them: the second's line, the first's name
    [(location, message)] = _errors(
        "Q0 ?{=a ~b ~c}\n\n::Q1:: Taux ?\n{\n=a\n~b\n}\nQ2 ?{=c ~d ~e}\n"
    )
    assert location == "ligne 8"
    assert "« Q1 » (le premier est ligne 4)" in message


def test_lines_stay_right_after_comment_lines_and_escaped_new_lines():
    text = "Q0 ?{=a ~b ~c}\n\nQ1\\nsuite ?\n// une note\n// @difficulty: facile\n{=a ~b} {=c}\n"
    [(location, message)] = _errors(text)
    assert location == "ligne 6"
    assert "« Q1 suite ? » (le premier est ligne 6)" in message


def test_blank_line_inside_the_answers_is_explained():
    errors = _errors("Q1 ?{\n=a\n~b\n\n~c\n}\n\nQ2 ?{=a ~b ~c}\n")
    assert [location for location, _ in errors] == ["ligne 1", "ligne 6"]
    assert errors[0][1].startswith(
        "accolade fermante « } » manquante : les réponses de la question « Q1 ? » sont ouvertes"
    )
    assert "pas de ligne vide entre « { » et « } »" in errors[0][1]
    assert errors[1][1].startswith(
        "accolade « } » sans accolade « { » ouverte avant elle : une ligne vide au milieu des "
        "réponses de la question précédente les a coupées"
    )


def test_stray_and_nested_braces():
    assert _errors("Q1 ?{=a ~b ~c}}\n") == [
        (
            "ligne 1",
            "accolade « } » sans accolade « { » ouverte avant elle, dans la question « Q1 ? » : "
            "écrivez « \\} » pour une accolade dans le texte.",
        )
    ]
    [(location, message)] = _errors("Q1 ?{\n=a\n~b {c}\n}\n")
    assert location == "ligne 3"
    assert message.startswith("accolade « { » à l'intérieur des réponses de la question « Q1 ? »")
    assert "(ouvertes ligne 1)" in message


def test_escaped_brace_does_not_close_and_says_so():
    [(_, message)] = _errors("Q1 ?{=a ~b ~c\\}\n")
    assert "(« \\} » est une accolade de texte, qui ne ferme rien)" in message


def test_escaped_characters_are_text_everywhere():
    result = _parse(
        "::Q \\: 1:: Vaut \\= \\~ \\{x\\} \\# \\: ?{=a\\=b#ok \\# fin ~c\\~d ~e\\{f\\} ~g\\\\h}\n"
    )
    assert result.report.errors == []
    [source] = result.items
    assert source.item.stem == "Vaut = ~ {x} # : ?"
    assert [o.text for o in source.item.options] == ["a=b", "c~d", "e{f}", "g\\h"]
    assert source.item.rationale == "A : ok # fin"


def test_comment_after_the_answers_is_refused():
    [(location, message)] = _errors("Q0 ?{=a ~b ~c}\n\nQ1 ?{\n=a\n~b\n~c\n} // à revoir\n")
    assert location == "ligne 7"
    assert message.startswith("commentaire « // » après les réponses de la question « Q1 ? »")


def test_answer_block_without_a_correct_answer_says_how_to_mark_one():
    assert _errors("Q1 ?{~a ~b ~c}\n") == [
        (
            "ligne 1",
            "aucune bonne réponse : marquez-la par « = », ou, s'il y en a plusieurs, donnez à "
            "chacune un poids positif (« ~%50% »).",
        )
    ]
    [(_, message)] = _errors("Q1 ?{=%50%a ~b ~c}\n")
    assert "« =%50% » est un crédit partiel" in message


def test_equals_sign_inside_an_answer_is_told_apart_from_two_keys():
    # « 1 + 1 = 3 » unescaped: Moodle reads « = 3 » as a second right answer
    assert _errors("Q0 ?{=a ~b ~c}\n\nCombien ?{=2 ~1 + 1 = 3 ~4}\n") == [
        (
            "ligne 3",
            "réponse unique mais 2 réponses marquées « = » (options A, C) : une seule est juste ; "
            "un « = » dans le texte d'une réponse s'écrit « \\= », et plusieurs bonnes réponses "
            "se marquent « ~%50% ».",
        )
    ]


def test_unreadable_weight_is_refused():
    [(location, message)] = _errors("Q0 ?{=a ~b ~c}\n\nQ1 ?{~%33,3%a ~%33,3%b ~%-100%c}\n")
    assert location == "ligne 3"
    assert message.startswith("option A : poids « %33,3% » illisible")


def test_hash_without_feedback_is_a_warning_and_the_item_imports():
    text = "Q1 ?{=a#\n~b # \n~c\n####}\n\nVrai ?{T#}\n"
    result = _parse(text)
    assert result.report.errors == []
    assert len(result.items) == 2
    assert [w for w in _warnings(text) if "#" in w] == [
        "ligne 1 : « #### » sans feedback général à sa suite, ignoré.",
        "ligne 1 : option A : « # » sans commentaire à sa suite, ignoré.",
        "ligne 1 : option B : « # » sans commentaire à sa suite, ignoré.",
        "ligne 6 : vrai/faux : « # » sans commentaire à sa suite, ignoré.",
    ]


def test_true_false_comments_go_by_position():
    # Moodle: {T#wrong#right}; with the wrong one left empty, the comment is the right one's
    [source] = _parse("Le ciel est bleu.{T##Oui, par diffusion.####Rayleigh.}\n").items
    assert source.item.correct_keys == ["A"]
    assert source.item.rationale == "Rayleigh.\nA : Oui, par diffusion."


def test_windows_line_endings_category_and_comments():
    text = (
        "// Banque exportée\r\n$CATEGORY: $course$/top/Fiscalité\r\n"
        "::Q1:: Taux ?{\r\n=30 %\r\n~11 %\r\n~41 %\r\n}\r\n\r\n"
        "// @difficulty: facile\r\nQ2 ?{=a ~b ~c}\r\n\r\n\r\n"
        "Q3 ?{=a ~b\r\n"
    )
    result = _parse(text)
    assert [(s.location, s.category) for s in result.items] == [
        ("ligne 3", "$course$/top/Fiscalité"),
        ("ligne 10", "$course$/top/Fiscalité"),
    ]
    assert [o.text for o in result.items[0].item.options] == ["30 %", "11 %", "41 %"]
    assert result.items[1].item.difficulty.value == "facile"
    assert [e.location for e in result.report.errors] == ["ligne 13"]


def test_metadata_with_no_question_after_it_is_reported():
    text = "Q1 ?{=a ~b ~c}\n\n// fin du fichier\n// @id: FISC-0002\n// @reference: Art. 1\n"
    assert [w for w in _warnings(text) if "métadonnées" in w] == [
        "ligne 4 : métadonnées (@id, @reference) sans question à leur suite : ignorées."
    ]
