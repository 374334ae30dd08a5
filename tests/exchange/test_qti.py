"""QTI reading against the IMS QTI 2.1 examples and a QTI 3.0 item; packages; hostile files."""

from __future__ import annotations

import io
import zipfile

from questionnaire.banks.models import ItemType
from questionnaire.exchange import safety
from questionnaire.exchange.qti import parse_qti
from questionnaire.exchange.qti_write import write_qti, write_qti3
from questionnaire.richtext import sanitise
from tests.exchange.conftest import TODAY, sample


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


MANIFEST = b"""<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="M1">
  <resources>
    <resource identifier="R1" type="imsqti_item_xmlv2p1" href="items/choice.xml"/>
    <resource identifier="R2" type="imsqti_item_xmlv2p1" href="items/text_entry.xml"/>
    <resource identifier="T1" type="imsqti_test_xmlv2p1" href="test.xml"/>
  </resources>
</manifest>"""


def test_ims_choice_example():
    # samples/choice.xml reproduces the QTI 2.1 specification's example "choice.xml"
    result = parse_qti(sample("choice.xml"), "choice.xml", TODAY)
    assert result.report.errors == []
    [source] = result.items
    item = source.item
    assert source.location == "choice.xml (choice)"
    assert item.id == "choice"
    assert item.type is ItemType.SINGLE
    assert item.stem == (
        "<p>Look at the text in the picture.</p>"
        "<p>[image : NEVER LEAVE LUGGAGE UNATTENDED]</p><p>What does it say?</p>"
    )
    assert item.options[0].text == "You must stay with your luggage at all times."
    assert item.correct_keys == ["A"]
    messages = [entry.message for entry in result.report.warnings]
    assert any("image" in message for message in messages)
    assert any("ordre des options" in message for message in messages)


def test_ims_choice_multiple_example():
    # samples/choice_multiple.xml reproduces the QTI 2.1 example "choice_multiple.xml"
    result = parse_qti(sample("choice_multiple.xml"), "choice_multiple.xml", TODAY)
    [source] = result.items
    assert source.item.type is ItemType.MULTIPLE
    assert source.item.stem == "Which of the following elements are used to form water?"
    assert [o.text for o in source.item.options if o.correct] == ["Hydrogen", "Oxygen"]
    assert len(source.item.options) == 6
    assert any("6 options" in entry.message for entry in result.report.warnings)


def test_qti3_item_with_feedback():
    result = parse_qti(sample("choice_feedback_qti3.xml"), "qti3.xml", TODAY)
    [source] = result.items
    assert source.item.id == "qti3-choice-feedback"
    assert source.item.stem == "What is the capital of <em>France</em>?"
    assert source.item.correct_keys == ["B"]
    assert [o.text for o in source.item.options] == ["Lyon", "Paris", "Marseille"]
    assert source.item.rationale == "Paris has been the capital since 987.\nB : Right."


def test_unsupported_interaction_is_skipped_whole():
    result = parse_qti(sample("text_entry.xml"), "text_entry.xml", TODAY)
    assert result.items == []
    assert result.report.errors == []
    [skipped] = result.report.skipped
    assert skipped.location == "text_entry.xml (textEntry)"
    assert "textEntryInteraction" in skipped.message


def test_content_package_reads_items_and_reports_the_rest():
    package = _zip(
        {
            "imsmanifest.xml": MANIFEST,
            "items/choice.xml": sample("choice.xml"),
            "items/text_entry.xml": sample("text_entry.xml"),
            "test.xml": b"<assessmentTest/>",
        }
    )
    result = parse_qti(package, "package.zip", TODAY)
    assert [source.item.id for source in result.items] == ["choice"]
    locations = sorted(entry.location for entry in result.report.skipped)
    assert locations == ["package.zip:items/text_entry.xml (textEntry)", "package.zip:test.xml"]


def test_package_zipped_with_its_folder():
    package = _zip(
        {
            "export/imsmanifest.xml": MANIFEST,
            "export/items/choice.xml": sample("choice.xml"),
            "export/items/text_entry.xml": sample("text_entry.xml"),
        }
    )
    result = parse_qti(package, "folder.zip", TODAY)
    assert [source.item.id for source in result.items] == ["choice"]
    assert result.report.errors == []
    assert len(result.report.skipped) == 2


def test_package_with_a_missing_file_is_an_error():
    result = parse_qti(_zip({"imsmanifest.xml": MANIFEST}), "package.zip", TODAY)
    assert "package.zip:items/choice.xml" in [entry.location for entry in result.report.errors]


def test_zip_without_manifest_reads_its_item_files():
    result = parse_qti(
        _zip({"a/choice.xml": sample("choice.xml"), "b/test.xml": b"<assessmentTest/>"}),
        "p.zip",
        TODAY,
    )
    assert [source.item.id for source in result.items] == ["choice"]
    assert [entry.location for entry in result.report.skipped] == ["p.zip:b/test.xml"]
    assert any("imsmanifest.xml" in entry.message for entry in result.report.warnings)


def test_zip_without_manifest_nor_item_is_an_error():
    result = parse_qti(_zip({"readme.txt": b"hello"}), "p.zip", TODAY)
    assert result.items == []
    assert "imsmanifest.xml" in result.report.errors[0].message


def test_qti_2_2_inline_feedback_per_choice():
    # samples/feedbackInline_v2p2.xml: oat-sa/qti-sdk test/samples/ims/items/2_2/feedbackInline.xml
    result = parse_qti(sample("feedbackInline_v2p2.xml"), "fb.xml", TODAY)
    assert result.report.errors == []
    item = result.items[0].item
    assert item.id == "Example02-feedbackInline"
    assert item.stem == (
        "Sigmund Freud and Carl Jung both belong to the psychoanalytic school of psychology."
    )
    assert [(o.text, o.correct) for o in item.options] == [("True", True), ("False", False)]
    assert item.rationale == "A : That's correct\nB : That's not correct"
    assert any("ordre des options" in entry.message for entry in result.report.warnings)


def test_qti_2_2_general_modal_feedbacks_keep_their_names():
    # samples/modalFeedback_v2p2.xml: oat-sa/qti-sdk test/samples/ims/items/2_2/modalFeedback.xml
    result = parse_qti(sample("modalFeedback_v2p2.xml"), "modal.xml", TODAY)
    assert result.items[0].item.rationale == "correct : correct\nincorrect : incorrect"


def test_tao_style_rich_item_with_weighted_mapping():
    result = parse_qti(sample("tao_rich_v2p1.xml"), "tao.xml", TODAY)
    assert result.report.errors == []
    item = result.items[0].item
    assert item.type is ItemType.MULTIPLE
    assert item.correct_keys == ["A", "B"]
    assert "<table><thead><tr><th>Tranche</th>" in item.stem
    assert "<strong>barème</strong>" in item.stem
    assert "[image : barème]" in item.stem
    assert item.stem.endswith(
        "<p>Quelles affirmations sont <strong>exactes</strong> ?</p></div></div>"
    )
    assert [o.text for o in item.options] == [
        "Le taux <em>marginal</em> est de 30 %",
        "La décote <strong>existe</strong>",
        "Le taux est 99 %",
    ]
    assert any("image" in entry.message for entry in result.report.warnings)


def test_tao_style_package_with_items_in_sub_folders():
    manifest = b"""<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="MANIFEST-tao">
  <metadata><schema>QTIv2.1 Package</schema><schemaversion>1.0.0</schemaversion></metadata>
  <organizations/>
  <resources>
    <resource identifier="i1" type="imsqti_item_xmlv2p1" href="items/i1/qti.xml">
      <file href="items/i1/qti.xml"/><file href="items/i1/bareme.png"/>
      <dependency identifierref="img"/>
    </resource>
    <resource identifier="i2" type="imsqti_item_xmlv2p2"><file href="items/i2/qti.xml"/></resource>
    <resource identifier="i3" type="imsqti_item_xmlv2p1" href="items/i3/qti.xml"/>
    <resource identifier="img" type="webcontent" href="items/i1/bareme.png"/>
  </resources>
</manifest>"""
    package = _zip(
        {
            "imsmanifest.xml": manifest,
            "items/i1/qti.xml": sample("tao_rich_v2p1.xml"),
            "items/i1/bareme.png": b"\x89PNG",
            "items/i2/qti.xml": sample("feedbackInline_v2p2.xml"),
            "items/i3/qti.xml": sample("text_entry.xml"),
        }
    )
    result = parse_qti(package, "tao.zip", TODAY)
    assert result.report.errors == []
    assert [source.item.id for source in result.items] == ["i1234", "Example02-feedbackInline"]
    assert [entry.location for entry in result.report.skipped] == [
        "tao.zip:items/i3/qti.xml (textEntry)"
    ]
    assert any("ne sont pas des items" in entry.message for entry in result.report.warnings)


def test_qti3_package():
    manifest = b"""<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1" identifier="M3">
  <resources>
    <resource identifier="q" type="imsqti_item_xmlv3p0" href="items/q.xml"><file href="items/q.xml"/></resource>
  </resources>
</manifest>"""
    package = _zip({"imsmanifest.xml": manifest, "items/q.xml": sample("choice_feedback_qti3.xml")})
    result = parse_qti(package, "q3.zip", TODAY)
    assert result.report.errors == []
    assert [source.item.id for source in result.items] == ["qti3-choice-feedback"]


def test_write_then_read_returns_the_same_items(bank):
    result = parse_qti(write_qti(bank), "export.zip", TODAY)
    assert result.report.errors == []
    assert [source.item for source in result.items] == bank.items


# --- hostile input -------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<assessmentItem identifier="x"><itemBody><p>&lol4;</p></itemBody></assessmentItem>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE item [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<assessmentItem identifier="x"><itemBody><p>&secret;</p></itemBody></assessmentItem>"""


def test_billion_laughs_is_refused():
    result = parse_qti(BILLION_LAUGHS, "lol.xml", TODAY)
    assert result.items == []
    assert "entités" in result.report.errors[0].message


def test_external_entity_is_refused():
    result = parse_qti(EXTERNAL_ENTITY, "xxe.xml", TODAY)
    assert result.items == []
    assert "entités" in result.report.errors[0].message


def test_zip_slip_path_is_refused():
    package = _zip({"imsmanifest.xml": MANIFEST, "../../evil.xml": sample("choice.xml")})
    result = parse_qti(package, "slip.zip", TODAY)
    assert result.items == []
    assert "../../evil.xml" in result.report.errors[0].message


def test_absolute_and_backslash_paths_are_unsafe():
    assert not safety.is_safe_member_name("/etc/passwd")
    assert not safety.is_safe_member_name("C:/windows/x.xml")
    assert not safety.is_safe_member_name("items\\..\\x.xml")
    assert not safety.is_safe_member_name("items/../../x.xml")
    assert safety.is_safe_member_name("items/choice.xml")


def test_zip_bomb_is_refused_before_decompression():
    bomb = _zip(
        {"imsmanifest.xml": MANIFEST, "items/choice.xml": b"\0" * (safety.MAX_ZIP_ENTRY_BYTES + 1)}
    )
    assert len(bomb) < 100_000
    result = parse_qti(bomb, "bomb.zip", TODAY)
    assert result.items == []
    assert "trop volumineux" in result.report.errors[0].message


def test_zip_with_lying_sizes_is_cut_at_the_limit(monkeypatch):
    package = _zip({"imsmanifest.xml": MANIFEST, "items/choice.xml": b" " * 5000})
    archive = safety.SafeZip(package)
    monkeypatch.setattr(safety, "MAX_ZIP_ENTRY_BYTES", 1000)
    try:
        archive.read("items/choice.xml")
    except safety.UnsafeArchive as exc:
        assert "dépasse" in str(exc)
    else:
        raise AssertionError("an oversized entry was read")


def test_too_many_entries_are_refused(monkeypatch):
    monkeypatch.setattr(safety, "MAX_ZIP_ENTRIES", 3)
    package = _zip({f"f{n}.xml": b"<a/>" for n in range(4)})
    result = parse_qti(package, "many.zip", TODAY)
    assert "4 fichiers" in result.report.errors[0].message


def test_oversized_file_is_refused_unread():
    result = parse_qti(b"<" * (safety.MAX_FILE_BYTES + 1), "big.xml", TODAY)
    assert result.items == []
    assert "trop volumineux" in result.report.errors[0].message


def test_malformed_xml_and_wrong_root_are_errors():
    assert "mal formé" in parse_qti(b"<assessmentItem>", "bad.xml", TODAY).report.errors[0].message
    wrong = parse_qti(b"<assessmentTest/>", "test.xml", TODAY)
    assert "assessmentItem" in wrong.report.errors[0].message


def test_qti1_is_reported_as_unsupported():
    single = parse_qti(b"<questestinterop><item ident='x'/></questestinterop>", "old.xml", TODAY)
    assert "QTI 1.x" in single.report.errors[0].message
    manifest = MANIFEST.replace(b"imsqti_item_xmlv2p1", b"imsqti_xmlv1p2")
    package = _zip({"imsmanifest.xml": manifest, "items/choice.xml": sample("choice.xml")})
    result = parse_qti(package, "canvas.zip", TODAY)
    assert result.items == []
    assert any("imsqti_xmlv1p2" in entry.message for entry in result.report.skipped)


def test_adaptive_and_template_items_are_skipped():
    adaptive = sample("choice.xml").replace(b'adaptive="false"', b'adaptive="true"')
    result = parse_qti(adaptive, "adaptive.xml", TODAY)
    assert result.items == [] and "adaptatif" in result.report.skipped[0].message
    template = sample("choice.xml").replace(
        b"<outcomeDeclaration",
        b'<templateDeclaration identifier="T" cardinality="single" baseType="integer"/><outcomeDeclaration',
        1,
    )
    assert parse_qti(template, "template.xml", TODAY).report.skipped


def test_qti3_write_then_read_returns_the_same_items(bank):
    package = write_qti3(bank)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        xml = archive.read("items/FISC-0002.xml")
        assert b"imsqti_item_xmlv3p0" in archive.read("imsmanifest.xml")
    assert b"<qti-choice-interaction" in xml and b"<qti-content-body>" in xml
    result = parse_qti(package, "export.zip", TODAY)
    assert result.report.errors == []
    assert [source.item for source in result.items] == bank.items


def test_too_deep_xml_is_an_error():
    deep = sample("choice.xml").replace(b"<p>Look", b"<div>" * 50_000 + b"<p>Look", 1)
    deep = deep.replace(b"picture.</p>", b"picture.</p>" + b"</div>" * 50_000, 1)
    result = parse_qti(deep, "deep.xml", TODAY)
    assert result.items == []
    assert "trop profonde" in result.report.errors[0].message


def test_layout_divs_and_block_prompt_from_an_authoring_tool():
    xml = b"""<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2" identifier="i1">
      <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
        <correctResponse><value>c2</value></correctResponse></responseDeclaration>
      <itemBody><div class="grid-row"><div class="col-12">
        <choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">
          <prompt><p>Quel plafond ?</p></prompt>
          <simpleChoice identifier="c1">A</simpleChoice><simpleChoice identifier="c2">B</simpleChoice>
          <simpleChoice identifier="c3">C</simpleChoice>
        </choiceInteraction></div></div></itemBody></assessmentItem>"""
    [source] = parse_qti(xml, "tao.xml", TODAY).items
    assert source.item.stem == "<div><div><p>Quel plafond ?</p></div></div>"
    assert source.item.correct_keys == ["B"]


def test_choice_without_a_key_is_a_survey_and_is_skipped():
    survey = sample("choice.xml").replace(b"<value>ChoiceA</value>", b"")
    result = parse_qti(survey, "survey.xml", TODAY)
    assert result.items == [] and result.report.errors == []
    assert "aucune bonne réponse" in result.report.skipped[0].message


def test_key_from_the_mapping_when_there_is_no_correct_response():
    xml = sample("choice_multiple.xml")
    start, end = xml.index(b"<correctResponse>"), xml.index(b"</correctResponse>")
    without = xml[:start] + xml[end + len(b"</correctResponse>") :]
    [source] = parse_qti(without, "mapped.xml", TODAY).items
    assert [o.text for o in source.item.options if o.correct] == ["Hydrogen", "Oxygen"]


def test_single_choice_keyed_by_mapping_takes_the_full_credit_choice():
    item = b"""<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2" identifier="m1">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <mapping defaultValue="0">
      <mapEntry mapKey="a" mappedValue="0.5"/><mapEntry mapKey="b" mappedValue="1"/>
    </mapping>
  </responseDeclaration>
  <itemBody><choiceInteraction responseIdentifier="RESPONSE" maxChoices="1">
    <prompt>Q ?</prompt><simpleChoice identifier="a">A</simpleChoice>
    <simpleChoice identifier="b">B <img src="x.png"/></simpleChoice>
    <simpleChoice identifier="c">C</simpleChoice>
  </choiceInteraction></itemBody>
</assessmentItem>"""
    result = parse_qti(item, "m.xml", TODAY)
    assert result.report.errors == []
    parsed = result.items[0].item
    assert parsed.correct_keys == ["B"]
    assert [o.text for o in parsed.options] == ["A", "B [image]", "C"]


def test_headings_and_text_divs_keep_their_text_apart():
    # shape of the 1EdTech QTI 3.0 example "qti3-choice-aria-mathml-catalog": the sanitiser
    # keeps neither <h2> nor <div>, so their text used to run into the next block
    # ("Passage<p>…", "QuestionWhat is the value…")
    xml = """<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
        identifier="surveyors"><qti-response-declaration identifier="RESPONSE"
        cardinality="single" base-type="identifier"><qti-correct-response>
        <qti-value>A</qti-value></qti-correct-response></qti-response-declaration>
      <qti-item-body><div class="qti-layout-row"><div class="qti-layout-col6">
        <h2 class="qti-visually-hidden">Passage</h2><p>Examine the map.</p></div>
        <div class="qti-layout-col6"><h2 class="qti-visually-hidden">Question</h2>
        <qti-choice-interaction response-identifier="RESPONSE" max-choices="1">
          <qti-prompt><div class="qti-well">What is the <em>value</em>?</div></qti-prompt>
          <qti-simple-choice identifier="A">90</qti-simple-choice>
          <qti-simple-choice identifier="B">37</qti-simple-choice>
          <qti-simple-choice identifier="C"><div>58</div></qti-simple-choice>
        </qti-choice-interaction></div></div></qti-item-body></qti-assessment-item>"""
    [source] = parse_qti(xml.encode(), "surveyors.xml", TODAY).items
    stem = sanitise(source.item.stem)
    assert stem == (
        "<p><strong>Passage</strong></p><p>Examine the map.</p>"
        "<p><strong>Question</strong></p><p>What is the <em>value</em>?</p>"
    )
    assert [o.text for o in source.item.options] == ["90", "37", "58"]


def test_shared_stimulus_is_not_lost_silently():
    # 1EdTech QTI 3.0 example "unbelievable_night_item3": a choice item whose passage is a
    # separate stimulus; the item is imported, and the report says the passage is not
    xml = b"""<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
        identifier="night3"><qti-response-declaration identifier="RESPONSE" cardinality="single"
        base-type="identifier"><qti-correct-response><qti-value>B</qti-value>
        </qti-correct-response></qti-response-declaration>
      <qti-assessment-stimulus-ref identifier="Stimulus1" href="../passages/night.xml"
        title="An Unbelievable Night"/>
      <qti-item-body><p>Read the passage before answering.</p>
        <qti-choice-interaction max-choices="1" response-identifier="RESPONSE">
          <qti-prompt>Why did the crocodile stop eating?</qti-prompt>
          <qti-simple-choice identifier="A">Stuck</qti-simple-choice>
          <qti-simple-choice identifier="B">Full</qti-simple-choice>
          <qti-simple-choice identifier="C">Sent back</qti-simple-choice>
        </qti-choice-interaction></qti-item-body></qti-assessment-item>"""
    result = parse_qti(xml, "night3.xml", TODAY)
    assert [source.item.correct_keys for source in result.items] == [["B"]]
    [warning] = [w for w in result.report.warnings if "An Unbelievable Night" in w.message]
    assert warning.location == "night3.xml (night3)"
    assert "non importé" in warning.message


def test_scripts_and_style_sheets_are_dropped_not_shown_as_text():
    """XHTML of an authoring tool may carry a script or a style sheet: their code is no text
    of the question (it used to reach the stem as « Intro alert(1)p{color:red} »)."""
    xml = b"""<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="Q1"
        adaptive="false" timeDependent="false"><responseDeclaration identifier="RESPONSE"
        cardinality="single" baseType="identifier"><correctResponse><value>B</value>
        </correctResponse></responseDeclaration><itemBody><p>Intro <script>alert(1)</script>
        <style>p { color: red }</style>suite</p><choiceInteraction responseIdentifier="RESPONSE"
        maxChoices="1"><prompt>Quelle r\xc3\xa9ponse ?</prompt>
        <simpleChoice identifier="A">a<script>steal()</script></simpleChoice>
        <simpleChoice identifier="B">b</simpleChoice><simpleChoice identifier="C">c</simpleChoice>
        </choiceInteraction></itemBody></assessmentItem>"""
    [source] = parse_qti(xml, "q.xml", TODAY).items
    # the spaces around the dropped elements stay (a browser shows them as one)
    assert " ".join(sanitise(source.item.stem).split()) == (
        "<p>Intro suite</p><p>Quelle réponse ?</p>"
    )
    assert [o.text for o in source.item.options] == ["a", "b", "c"]


def test_two_choices_with_one_identifier_are_refused_not_both_keyed():
    """Key A, C over choices A, A, B, C: the second « A » was imported as a right answer too."""
    xml = b"""<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="Q2"
        adaptive="false" timeDependent="false"><responseDeclaration identifier="RESPONSE"
        cardinality="multiple" baseType="identifier"><correctResponse><value>A</value>
        <value>C</value></correctResponse></responseDeclaration><itemBody>
        <choiceInteraction responseIdentifier="RESPONSE" maxChoices="0"><prompt>Lesquels ?</prompt>
        <simpleChoice identifier="A">un</simpleChoice><simpleChoice identifier="A">deux</simpleChoice>
        <simpleChoice identifier="B">trois</simpleChoice><simpleChoice identifier="C">quatre</simpleChoice>
        </choiceInteraction></itemBody></assessmentItem>"""
    result = parse_qti(xml, "q.xml", TODAY)
    assert result.items == []
    assert [entry.format() for entry in result.report.errors] == [
        "q.xml (Q2) : identifiant de choix en double : A ; chaque simpleChoice a le sien, que la "
        "bonne réponse désigne."
    ]
