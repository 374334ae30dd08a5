"""Tables in QTI: a caption, a header's ``scope`` and a cell's ``colspan`` survive the trip.

The editor keeps them (``richtext.ALLOWED_TAGS`` and ``ALLOWED_ATTRIBUTES``), and so do the
GIFT, CSV, XLSX and YAML exports; the QTI writer dropped every attribute (a merged cell came
back as one narrow cell, a header lost what it heads, for a screen reader) and the QTI reader
did not know ``caption``, whose text then stood outside the table, before it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from questionnaire.exchange.qti import parse_qti
from questionnaire.exchange.qti_write import write_qti, write_qti3
from questionnaire.richtext import sanitise
from tests.exchange.conftest import TODAY

TABLE = (
    "<p>Barème 2026 :</p><table><caption>Impôt sur le revenu</caption>"
    '<thead><tr><th scope="col">Tranche</th><th scope="col">Taux</th></tr></thead>'
    '<tbody><tr><td colspan="2">Jusqu\'à 11 497 € : aucun impôt</td></tr>'
    '<tr><th scope="row">De 11 498 € à 29 315 €</th><td>11 %</td></tr></tbody></table>'
)


@pytest.mark.parametrize("write", [write_qti, write_qti3], ids=["qti21", "qti30"])
def test_a_table_comes_back_whole(bank, write):
    assert sanitise(TABLE) == TABLE  # what the editor keeps
    item = replace(bank.items[0], stem=TABLE)
    result = parse_qti(write(replace(bank, items=[item])), "export.zip", TODAY)
    assert result.report.errors == []
    assert [sanitise(source.item.stem) for source in result.items] == [TABLE]


def test_a_foreign_table_keeps_its_caption_and_merged_cells():
    data = """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="tab1"
    title="Barème" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>B</value></correctResponse>
  </responseDeclaration>
  <itemBody>
    <p>Barème 2026 :</p>
    <table>
      <caption>Impôt sur le revenu</caption>
      <thead><tr><th scope="col">Tranche</th><th scope="col">Taux</th></tr></thead>
      <tbody>
        <tr><td colspan="2" class="note">Jusqu'à 11 497 € : aucun impôt</td></tr>
        <tr><th scope="row">De 11 498 € à 29 315 €</th><td>11 %</td></tr>
      </tbody>
    </table>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">
      <prompt>Quel est le taux de la deuxième tranche ?</prompt>
      <simpleChoice identifier="A">5,5 %</simpleChoice>
      <simpleChoice identifier="B">11 %</simpleChoice>
      <simpleChoice identifier="C">30 %</simpleChoice>
    </choiceInteraction>
  </itemBody>
</assessmentItem>""".encode()
    result = parse_qti(data, "tab1.xml", TODAY)
    assert result.report.errors == []
    [source] = result.items
    assert sanitise(source.item.stem) == TABLE + "<p>Quel est le taux de la deuxième tranche ?</p>"
