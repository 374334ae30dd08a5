"""Reading, validation (errors name the CSV line and column) and pivoting of long tables."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from analytics.io import (
    AnalyticsInputError,
    find_forms,
    prepare,
    read_responses,
    validate_responses,
)

HEADER = "attempt_id,item_id,score\n"


def _read(text: str) -> pd.DataFrame:
    return read_responses(io.StringIO(text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # line 4 = third data row (the header is line 1)
        (
            HEADER + "a1,Q1,1\na1,Q2,0\na2,Q1,abc\n",
            "ligne 4, colonne score : valeur non numérique « abc »",
        ),
        (HEADER + "a1,Q1,1\na1,Q2,\n", "ligne 3, colonne score : valeur manquante"),
        (HEADER + "a1,Q1,1\n,Q2,1\n", "ligne 3, colonne attempt_id : valeur manquante"),
        (HEADER + "a1,Q1,1\na1,,1\n", "ligne 3, colonne item_id : valeur manquante"),
        (
            HEADER + "a1,Q1,1\na1,Q1,0\n",
            "ligne 3, colonne attempt_id, item_id : doublon de la ligne 2",
        ),
        (HEADER + "a1,Q1,-1\n", "ligne 2, colonne score : score -1 hors de l'intervalle [0, 1]"),
        (
            HEADER + "a1,Q1,1\na2,Q1,2\n",
            "ligne 3, colonne score : score 2 hors de l'intervalle [0, 1]",
        ),
        (HEADER + "a1,Q1,inf\n", "ligne 2, colonne score : valeur non numérique « inf »"),
        (
            "attempt_id,item_id,score,max_score\na1,Q1,3,2\n",
            "ligne 2, colonne score : score 3 hors",
        ),
        (
            "attempt_id,item_id,score,max_score\na1,Q1,1,0\n",
            "ligne 2, colonne max_score : doit être > 0",
        ),
        (
            "attempt_id,item_id,score,max_score\na1,Q1,1,x\n",
            "ligne 2, colonne max_score : valeur non numérique « x »",
        ),
        (
            "attempt_id,item_id,score,max_score\na1,Q1,1,2\na2,Q1,1,1\n",
            "ligne 3, colonne max_score : « 1.0 » différent de « 2.0 » donné ligne 2",
        ),
        (
            "attempt_id,item_id,score,key\na1,Q1,1,A\na2,Q2,1,B\na3,Q1,1,C\n",
            "ligne 4, colonne key : « C » différent de « A » donné ligne 2",
        ),
        (
            "attempt_id,item_id,score,seconds\na1,Q1,1,-3\n",
            "ligne 2, colonne seconds : durée négative",
        ),
        (
            "attempt_id,item_id,score,seconds\na1,Q1,1,vite\n",
            "ligne 2, colonne seconds : valeur non numérique",
        ),
        ("attempt_id,item_id\na1,Q1\n", "colonne obligatoire absente : score"),
        ("attempt_id,score\na1,1\n", "colonne obligatoire absente : item_id"),
        (HEADER, "table vide"),
        ("", "table vide"),
        (HEADER + "a1,Q1,1\na2,Q1,1,9\n", "ligne 3 : 4 champs au lieu de 3"),
        (HEADER + "a1,Q1,1\na2,Q1,1\na3,Q1,1,9\n", "ligne 4 : 4 champs au lieu de 3"),
        # blank lines (skipped when reading) and quoted line breaks keep the file's numbering
        (HEADER + "a1,Q1,1\n\na2,Q1,abc\n", "ligne 4, colonne score : valeur non numérique"),
        (HEADER + "a1,Q1,1\r\n  \r\n\r\na2,Q1,2\r\n", "ligne 5, colonne score : score 2 hors"),
        (
            HEADER + "a1,Q1,1\n\na2,Q1,0\n\na1,Q1,0\n",
            "ligne 6, colonne attempt_id, item_id : doublon de la ligne 2",
        ),
        (
            "attempt_id,item_id,score,key\na1,Q1,1,A\n\na2,Q1,1,C\n",
            "ligne 4, colonne key : « C » différent de « A » donné ligne 2",
        ),
        (HEADER + '"a\n1",Q1,1\na2,Q1,abc\n', "ligne 4, colonne score : valeur non numérique"),
        ("attempt_id,item_id,score,score\na1,Q1,1,0\n", "colonne en double : score"),
        ('"attempt_id","item_id","score","item_id"\na1,Q1,1,Q2\n', "colonne en double : item_id"),
    ],
)
def test_malformed_input_names_line_and_column(text: str, message: str) -> None:
    with pytest.raises(AnalyticsInputError) as err:
        _read(text)
    assert message in str(err.value)


def test_blank_lines_in_a_file_keep_its_line_numbers(write_csv) -> None:
    path = write_csv(HEADER + "a1,Q1,1\n\n\na2,Q1,0\na2,Q2,x\n")
    with pytest.raises(AnalyticsInputError, match="ligne 6, colonne score"):
        read_responses(path)


def test_rows_of_separators_alone_are_blank_lines(write_csv) -> None:
    """A spreadsheet writes « ;; » for formatted empty rows, and « ; » for empty formatted
    columns: they were refused (« ligne 4, colonne attempt_id : valeur manquante », « colonne
    en double : » with no name) although they hold nothing."""
    text = "attempt_id;item_id;score;;\na1;Q1;1;;\n;;;;\na2;Q1;0;;\n ; ; ; ;\n;;;;\n"
    table = read_responses(write_csv(text))
    assert list(zip(table["attempt_id"], table["score"], strict=True)) == [("a1", 1.0), ("a2", 0.0)]
    assert read_responses(io.StringIO(text)).shape == table.shape
    # an error further down still names the file's own line
    path = write_csv(HEADER + "a1,Q1,1\n,,\n\n,,\na2,Q1,x\n")
    with pytest.raises(AnalyticsInputError, match="ligne 6, colonne score"):
        read_responses(path)
    # a row holding anything is no blank line
    with pytest.raises(AnalyticsInputError, match="ligne 3, colonne attempt_id : valeur manquante"):
        read_responses(write_csv(HEADER + "a1,Q1,1\n,,0\n"))
    with pytest.raises(AnalyticsInputError, match="table vide"):
        read_responses(write_csv(HEADER + ",,\n,,\n"))


def test_error_from_a_file_path(write_csv) -> None:
    path = write_csv(HEADER + "a1,Q1,1\n" * 1 + "a2,Q1,x\n")
    with pytest.raises(AnalyticsInputError, match="ligne 3, colonne score"):
        read_responses(path)
    with pytest.raises(AnalyticsInputError, match="introuvable"):
        read_responses(path.with_name("absent.csv"))


def test_dataframe_validation_uses_csv_line_numbers() -> None:
    df = pd.DataFrame({"attempt_id": ["a", "a", "b"], "item_id": ["x", "y", "x"]})
    df["score"] = [1, 0.5, 7]
    with pytest.raises(AnalyticsInputError, match="ligne 4, colonne score : score 7"):
        validate_responses(df)
    with pytest.raises(AnalyticsInputError, match="table vide"):
        validate_responses(df.iloc[:0])


def test_canonical_output_and_optional_columns() -> None:
    text = (
        "attempt_id,item_id,score,max_score,option,key,group,seconds,extra\n"
        "a1,Item 10,2,2,A;C,A;C,F,12.5,x\n"
        "a1,Item 2,0,1,,B,F,,y\n"
        "a2,Item 10,1,2,A,A;C,H,30,z\n"
    )
    df = _read(text)
    assert list(df.columns[:5]) == ["attempt_id", "item_id", "score", "max_score", "option"]
    assert isinstance(df["attempt_id"].dtype, pd.CategoricalDtype)
    assert list(df["item_id"].cat.categories) == ["Item 2", "Item 10"]  # natural order
    assert df["score"].tolist() == [2.0, 0.0, 1.0]
    assert df["option"].astype(str).tolist() == ["A;C", "", "A"]  # empty = unanswered
    assert np.isnan(df["seconds"].iloc[1])
    assert df["extra"].astype(str).tolist() == ["x", "y", "z"]


def test_semicolon_separated_with_decimal_comma_and_bom() -> None:
    text = "\ufeffattempt_id;item_id;score;max_score\na1;Q1;0,5;1\na1;Q2;1;1\n"
    df = read_responses(io.BytesIO(text.encode("utf-8")))
    assert df["score"].tolist() == [0.5, 1.0]


def test_max_score_defaults_to_one_and_ids_are_strings() -> None:
    df = validate_responses(pd.DataFrame({"attempt_id": [1, 2], "item_id": [7, 7], "score": 1}))
    assert df["max_score"].tolist() == [1.0, 1.0]
    assert df["attempt_id"].astype(str).tolist() == ["1", "2"]


def test_prepare_pivots_incomplete_design() -> None:
    df = _read(HEADER + "a1,Q1,1\na1,Q2,0\na2,Q2,1\na3,Q1,0\na3,Q3,1\n")
    data = prepare(df)
    assert list(data.item_ids) == ["Q1", "Q2", "Q3"]
    assert list(data.attempt_ids) == ["a1", "a2", "a3"]
    expected = np.array([[1, 0, np.nan], [np.nan, 1, np.nan], [0, np.nan, 1]])
    np.testing.assert_array_equal(data.scores, expected)
    assert not data.complete
    np.testing.assert_array_equal(data.totals, [1, 1, 1])
    np.testing.assert_array_equal(data.max_totals, [2, 1, 2])
    assert prepare(data) is data


def test_find_forms_groups_identical_item_sets() -> None:
    presented = np.array(
        [[1, 1, 0], [1, 0, 1], [1, 1, 0], [1, 1, 0], [1, 0, 1], [0, 1, 1]], dtype=bool
    )
    forms = find_forms(presented)
    np.testing.assert_array_equal(forms.counts, [3, 2, 1])  # largest form first
    np.testing.assert_array_equal(forms.index, [0, 1, 0, 0, 1, 2])
    np.testing.assert_array_equal(forms.patterns[2], [False, True, True])


def test_spreadsheet_and_r_exports_are_read(tmp_path) -> None:
    """BOM, CRLF, capitalised headers, padded cells, numeric ids, an R row-name column."""
    path = tmp_path / "export.csv"
    path.write_bytes(
        '\ufeff"","Attempt_ID"," Item_ID ","Score","Group"\r\n'
        '"1", 1 , 10 , 1 ,"F"\r\n"2", 1 , 2 , 0.5 ,"F"\r\n"3", 2 , 10 , 0 ,"M"\r\n'.encode()
    )
    df = read_responses(path)
    assert df["attempt_id"].astype(str).tolist() == ["1", "1", "2"]
    assert df["item_id"].astype(str).tolist() == ["10", "2", "10"]
    assert df["score"].tolist() == [1.0, 0.5, 0.0]
    assert df["Group"].astype(str).tolist() == [
        "F",
        "F",
        "M",
    ]  # a caller-named column keeps its name
    assert list(prepare(df).item_ids) == ["2", "10"]  # natural order of numeric ids
