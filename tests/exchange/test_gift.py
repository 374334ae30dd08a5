"""GIFT reading against the Moodle documentation's examples, writing, round trip."""

from __future__ import annotations

from questionnaire.banks.models import ItemType
from questionnaire.exchange.gift import parse_gift, write_gift
from tests.exchange.conftest import TODAY, sample


def _parse(text: str):
    return parse_gift(text.encode("utf-8"), "test.gift", TODAY)


def test_moodle_examples_import_choices_and_skip_other_types():
    # samples/moodle_examples.gift reproduces Moodle's "GIFT format" documentation examples
    result = parse_gift(sample("moodle_examples.gift"), "moodle_examples.gift", TODAY)
    report = result.report
    assert report.errors == []
    assert len(result.items) == 10
    skipped = {entry.location: entry.message for entry in report.skipped}
    assert set(skipped) == {"ligne 27", "ligne 29", "ligne 39", "ligne 48", "ligne 52"}
    missing_word = {source.location: source.item for source in result.items}["ligne 11"]
    assert missing_word.stem == "Grant is _____ in Grant's tomb."
    assert "réponse courte" in skipped["ligne 27"]
    assert "appariement" in skipped["ligne 39"]
    assert "numérique" in skipped["ligne 48"]
    assert "essay" in skipped["ligne 52"]
    first = result.items[0]
    assert first.location == "ligne 9"
    assert first.category == "tom"
    assert first.item.stem == "Who's buried in Grant's tomb?"
    assert [(o.text, o.correct) for o in first.item.options] == [
        ("Grant", False),
        ("Jefferson", False),
        ("no one", True),
    ]


def test_true_false_weighted_feedback_and_escapes():
    result = parse_gift(sample("moodle_examples.gift"), "moodle_examples.gift", TODAY)
    by_line = {source.location: source.item for source in result.items}
    true_false = by_line["ligne 63"]
    assert [(o.text, o.correct) for o in true_false.options] == [("Vrai", False), ("Faux", True)]
    assert true_false.rationale == "No one is buried in Grant's tomb."
    weighted = by_line["ligne 67"]
    assert weighted.type is ItemType.MULTIPLE
    assert weighted.correct_keys == ["B", "C"]
    feedback = by_line["ligne 56"]
    assert "C : Very good!" in feedback.rationale
    escaped = by_line["ligne 75"]
    assert [o.text for o in escaped.options] == ["~", "=", "#", "{", "}", "\\"]
    assert escaped.correct_keys == ["F"]
    assert escaped.rationale.startswith("The backslash escapes the control characters.")


def test_comments_are_ignored_and_metadata_comments_are_read():
    result = _parse(
        "// a plain comment\n"
        "// @reference: Art. L. 221-1 CMF\n"
        "// @difficulty: difficile\n"
        "::RGPD-0100::Quel plafond ?{=A ~B ~C}\n"
    )
    item = result.items[0].item
    assert item.id == "RGPD-0100"
    assert item.reference == "Art. L. 221-1 CMF"
    assert item.difficulty.value == "difficile"
    assert item.cognitive_level.value == "connaissance"
    assert item.volatility.value == "stable"
    assert item.valid_as_of == TODAY
    assert result.report.defaults["cognitive_level"] == 1


def test_free_text_title_is_not_an_id_and_generated_ids_are_stable():
    text = "::Kanji Origins::Japanese characters came from? {=China ~India ~Korea}\n"
    first, second = _parse(text).items[0].item, _parse(text).items[0].item
    assert first.id.startswith("IMP-")
    assert first.id == second.id


def test_errors_say_which_line():
    result = _parse("Q1 ?{=A ~B ~C}\n\n// @difficulty: enorme\nQ2 ?{=A ~B ~C}\n\nQ3 ?{=A ~B\n")
    errors = {entry.location: entry.message for entry in result.report.errors}
    assert set(errors) == {"ligne 4", "ligne 6"}
    assert "enorme" in errors["ligne 4"]
    assert "accolade" in errors["ligne 6"]


def test_missing_word_is_a_multiple_choice_with_a_blank():
    # Moodle's "missing word" example (https://docs.moodle.org/en/GIFT_format#Missing_word):
    # a multiple-choice question whose answers fill a blank in the sentence
    result = _parse(
        "Moodle costs {~lots of money =nothing ~a small amount} to download from moodle.org."
    )
    assert result.report.errors == [] and result.report.skipped == []
    (source,) = result.items
    assert source.item.stem.strip().startswith("Moodle costs _____ to download from moodle.org")
    assert [option.correct for option in source.item.options] == [False, True, False]


def test_moodle_quick_examples_every_type_reported():
    # the "quick examples" of https://docs.moodle.org/en/GIFT_format (::Q1:: to ::Q8::)
    result = _parse(
        "// true/false\n::Q1:: 1+1=2 {T}\n\n"
        "::Q2:: What's between orange and green in the spectrum?\n"
        "{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, it's yellow }\n\n"
        "::Q3:: Two plus {=two =2} equals four.\n\n"
        "::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food }\n\n"
        "::Q5:: What is a number from 1 to 5? {#3:2}\n\n"
        "::Q6:: What is a number from 1 to 5? {#1..5}\n\n"
        "::Q7:: When was Ulysses S. Grant born? {#\n =1822:0 # Correct!\n"
        " =%50%1822:2 # Half credit.\n}\n\n"
        "::Q8:: How are you? {}\n"
    )
    assert result.report.errors == []
    assert [source.item.stem for source in result.items] == [
        "1+1=2",
        "What's between orange and green in the spectrum?",
    ]
    assert result.items[1].item.rationale == (
        "A : right; good!\nB : wrong, it's yellow\nC : wrong, it's yellow"
    )
    skipped = [entry.message.split(" :")[0] for entry in result.report.skipped]
    assert skipped == [
        "question à réponse courte",
        "question d'appariement (matching)",
        "question numérique",
        "question numérique",
        "question numérique",
        "question ouverte (essay)",
    ]


def test_format_markers_on_answers_and_markdown():
    result = _parse(
        "::Q9::[html]<p>Quel <strong>taux</strong> ?</p>{\n"
        "  =[html]<em>30 %</em>#[html]<strong>bien</strong>\n  ~11 %\n  ~41 %\n}\n\n"
        "::Q10::[markdown]Which **two** of *these*?{\n"
        "  ~%50%**A**\n  ~%50%B\n  ~%-50%C\n  ~%-100%D\n  ####See `B`.\n}\n"
    )
    html, markdown = (source.item for source in result.items)
    assert html.stem == "<p>Quel <strong>taux</strong> ?</p>"
    assert [o.text for o in html.options] == ["<em>30 %</em>", "11 %", "41 %"]
    assert html.rationale == "A : <strong>bien</strong>"
    assert markdown.stem == "Which <strong>two</strong> of <em>these</em>?"
    assert [(o.text, o.correct) for o in markdown.options] == [
        ("<strong>A</strong>", True),
        ("B", True),
        ("C", False),
        ("D", False),
    ]
    assert markdown.rationale == "See <code>B</code>."


def test_markdown_never_lets_raw_html_through():
    result = _parse("[markdown]Q <script>alert(1)</script> ?{=A ~B ~C}")
    assert "<script>" not in result.items[0].item.stem


def test_true_false_with_both_feedbacks_and_general_feedback():
    result = _parse(
        "Grant was buried in a tomb in New York City.{\nTRUE\n#Wrong! He is.\n"
        "#Right.\n####General.}\n\n"
        "::T::Sun rises west.{F#It does not.#Yes, it rises in the east.}\n"
    )
    true, false = (source.item for source in result.items)
    assert true.correct_keys == ["A"]
    assert true.rationale == "General.\nA : Right.\nB : Wrong! He is."
    assert false.correct_keys == ["B"]
    assert false.rationale == "A : It does not.\nB : Yes, it rises in the east."


def test_escaped_colon_in_title_and_multi_line_question():
    result = _parse("::Q11 \\: colon:: Is 2 \\= 2 \\{ yes \\}?\nreally?{=yes ~no ~maybe}")
    item = result.items[0].item
    assert item.stem == "Is 2 = 2 { yes }?\nreally?"
    assert item.correct_keys == ["A"]


def test_partial_credit_in_single_choice_is_reported():
    result = _parse(
        "Difficult question.{~wrong answer ~%50%half credit answer =full credit answer}"
    )
    assert result.items[0].item.correct_keys == ["C"]
    assert any("crédit partiel" in entry.message for entry in result.report.warnings)


def test_windows_1252_is_read_with_a_warning_and_other_bytes_are_an_error():
    result = parse_gift("Qualité ?{=A ~B ~C}".encode("cp1252"), "x.gift", TODAY)
    assert result.items[0].item.stem == "Qualité ?"
    assert "Windows-1252" in result.report.warnings[0].message
    broken = parse_gift(b"Q \x81\xff ?{=A ~B ~C}", "x.gift", TODAY)
    assert broken.items == []
    assert "UTF-8" in broken.report.errors[0].message


def test_write_then_read_returns_the_same_items(bank):
    data = write_gift(bank)
    assert b"$CATEGORY: fiscalite/alpha" in data
    result = parse_gift(data, "export.gift", TODAY)
    assert result.report.errors == []
    assert [source.category for source in result.items] == ["fiscalite/alpha", "fiscalite/beta"]
    for source, original in zip(result.items, bank.items, strict=True):
        assert source.item.topic == ""
        source.item.topic = original.topic
        assert source.item == original


def test_moodle_export_layout():
    result = parse_gift(sample("moodle_export.gift"), "moodle_export.gift", TODAY)
    assert result.report.errors == []
    first, second = result.items
    assert first.category == "$course$/top/Default for Banque/Fiscalité"
    assert first.location == "ligne 9"
    assert (
        first.item.stem
        == '<p dir="ltr">Quel est le taux global du <strong>PFU</strong> en 2026 ?</p>'
    )
    assert [o.text for o in first.item.options] == ["12,8 %", "30 %", "31,4 %", "17,2 %"]
    assert first.item.correct_keys == ["C"]
    assert first.item.rationale == (
        "<p>Le PFU additionne l'impôt et les prélèvements sociaux.</p>\n"
        "C : <p>Oui : 12,8 % + 18,6 %.</p>"
    )
    assert second.item.correct_keys == ["A", "B"]
    assert [o.text for o in second.item.options] == [
        "Les dividendes",
        "Les intérêts",
        "Les salaires",
    ]


def test_texts_that_start_like_a_weight_or_a_format_marker_round_trip(bank):
    """« %50% des revenus » was read back as a weight (text « des revenus »), and an option or a
    feedback starting « [markdown] » as a marker: the export lost their first words."""
    from questionnaire.banks.validation import ParsedOption

    first, second = bank.items
    first.stem = "[markdown] *pas* de mise en forme : quelle part ?"
    first.options = [
        ParsedOption("A", "%50% des revenus", False),
        ParsedOption("B", "%100% des revenus", True),
        ParsedOption("C", "[html] littéral", False),
    ]
    first.rationale = "[plain] la moitié ne suffit pas."
    second.options[2] = ParsedOption("C", "%30% des salaires", False)
    result = parse_gift(write_gift(bank), "export.gift", TODAY)
    assert result.report.errors == [] and result.report.warnings == []
    read = {source.item.id: source.item for source in result.items}
    assert read["FISC-0001"].stem == "[markdown] *pas* de mise en forme : quelle part ?"
    assert [(o.text, o.correct) for o in read["FISC-0001"].options] == [
        ("%50% des revenus", False),
        ("%100% des revenus", True),
        ("[html] littéral", False),
    ]
    assert read["FISC-0001"].rationale == "[plain] la moitié ne suffit pas."
    assert read["FISC-0002"].options[2].text == "%30% des salaires"
