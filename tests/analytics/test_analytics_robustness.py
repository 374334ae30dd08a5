"""Hostile inputs found by the robustness pass: each is refused in one French line (exit 2) or
handled, never a Python error, a hang, an unbounded allocation or a lost output file."""

from __future__ import annotations

import io
import json
import os
import stat
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analytics.io
from analytics.classical import item_stats
from analytics.cli import main
from analytics.io import AnalyticsInputError, read_responses
from analytics.reliability import parse_cut, pass_mask


def _run(args: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_item_ids_with_digit_like_characters_sort_naturally(tmp_path: Path, capsys) -> None:
    # '²' and '①' pass str.isdigit but int() refuses them: the natural sort key raised
    # « ValueError: invalid literal for int() » in every command; 'Q١' is Q1 in Arabic digits
    rows = [
        (a, item, int(a == "T1")) for a in ("T1", "T2") for item in ("①", "Q10", "²", "Q١", "Q2")
    ]
    text = "attempt_id,item_id,score\n" + "".join(f"{a},{i},{s}\n" for a, i, s in rows)
    table = read_responses(io.StringIO(text))
    assert list(item_stats(table)["item_id"]) == ["Q١", "Q2", "Q10", "²", "①"]
    code, out, err = _run(["item-stats", _write(tmp_path / "r.csv", text)], capsys)
    assert code == 0 and "erreur" not in err
    assert list(pd.read_csv(io.StringIO(out))["item_id"]) == ["Q١", "Q2", "Q10", "²", "①"]


def test_cut_with_a_huge_exponent_is_refused_at_once(tmp_path: Path, capsys) -> None:
    # Fraction('1e999999999') builds 10**999999999: the command never finished
    assert parse_cut("6e-1") == Fraction(3, 5)
    assert parse_cut("1e-999999999") == 0
    with pytest.raises(AnalyticsInputError, match="seuil illisible"):
        parse_cut("1e999999999")
    text = "attempt_id,item_id,score\nT1,Q1,1\nT2,Q1,0\n"
    code, out, err = _run(
        ["test-stats", _write(tmp_path / "r.csv", text), "--cut", "1e999999999%"], capsys
    )
    assert code == 2 and out == ""
    assert err == (
        "python -m analytics test-stats : erreur : --cut : seuil illisible : « 1e999999999% »\n"
    )


def test_two_outputs_in_one_file_are_refused(tmp_path: Path, capsys) -> None:
    # the persons of --truth t.csv go to t_persons.csv: with -o t_persons.csv they silently
    # replaced the simulated responses
    truth, responses = tmp_path / "t.csv", tmp_path / "t_persons.csv"
    code, _, err = _run(
        ["simulate", "--items", "3", "--attempts", "4", "--truth", str(truth),
         "-o", str(responses)], capsys,
    )  # fmt: skip
    assert code == 2
    assert err == (
        f"python -m analytics simulate : erreur : deux sorties dans le même fichier ({responses})\n"
    )
    assert sorted(os.listdir(tmp_path)) == []
    data = _write(tmp_path / "r.csv", "attempt_id,item_id,score\nT1,Q1,1\nT2,Q1,0\nT3,Q1,1\n")
    items = tmp_path / "items.csv"
    code, _, err = _run(
        ["irt", data, "-o", str(items), "--persons", str(tmp_path / "." / "items.csv")], capsys
    )
    assert code == 2 and "deux sorties dans le même fichier" in err
    assert not items.exists()


def test_truth_naming_a_folder_is_refused_in_french(tmp_path: Path, capsys) -> None:
    # « ValueError: PosixPath('.') has an empty name »
    code, _, err = _run(["simulate", "--items", "3", "--attempts", "4", "--truth", "."], capsys)
    assert code == 2
    assert (
        err == "python -m analytics simulate : erreur : impossible d'écrire . : c'est un dossier\n"
    )


def test_output_to_a_pipe_or_link_keeps_it(tmp_path: Path, capsys) -> None:
    # the temporary file was renamed onto the output: a named pipe (or /dev/null, /dev/stdout)
    # was replaced by a regular file, a symbolic link by a copy
    data = _write(tmp_path / "r.csv", "attempt_id,item_id,score\nT1,Q1,1\nT2,Q1,0\n")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    try:
        code, _, _ = _run(["item-stats", data, "-o", str(pipe)], capsys)
        received = os.read(reader, 65536).decode()
    finally:
        os.close(reader)
    assert code == 0 and stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert received.splitlines()[0].startswith("item_id,n,facility")
    target = tmp_path / "target.csv"
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    code, _, _ = _run(["item-stats", data, "-o", str(link)], capsys)
    assert code == 0 and link.is_symlink()
    assert target.read_text(encoding="utf-8").startswith("item_id,n,facility")


def test_a_file_too_large_to_pivot_is_refused(tmp_path: Path, capsys) -> None:
    # 3,200 rows, each its own attempt and item: 10,240,000 cells (a million such rows asked
    # for 931 GB, « erreur interne (MemoryError) »)
    rows = "".join(f"T{n},Q{n},1\n" for n in range(3200))
    data = _write(tmp_path / "r.csv", "attempt_id,item_id,score\n" + rows)
    code, out, err = _run(["item-stats", data], capsys)
    assert code == 2 and out == ""  # the line is one line: its narrow spaces become spaces
    assert err == (
        "python -m analytics item-stats : erreur : 3200 tentatives × 3200 items = "
        "10 240 000 cellules, au-delà de la limite de 10 000 000 : analysez "
        "le fichier par parties (par période, par banque d'items)\n"
    )


def test_a_file_of_too_many_rows_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analytics.io, "MAX_CELLS", 5)
    text = "attempt_id,item_id,score\n" + "".join(f"T1,Q{n},1\n" for n in range(6))
    with pytest.raises(AnalyticsInputError, match=r"^plus de 5 lignes, la limite"):
        read_responses(io.StringIO(text))
    assert len(read_responses(io.StringIO(text[: text.rindex("T1,Q5")]))) == 5


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1e308", "ligne 2, colonne max_score : 1e+308 hors de l'intervalle [0.001, 1\u202f000\u202f000]"),
        ("1e-320", "ligne 2, colonne max_score : 9.99989e-321 hors de l'intervalle [0.001, 1\u202f000\u202f000]"),
    ],
)  # fmt: skip
def test_max_score_out_of_range_is_refused(value: str, message: str) -> None:
    # 1e308: sums overflowed, test-stats failed on « ValueError: Maximum allowed dimension
    # exceeded »; 1e-320: every total rounded to 0 on the 1e-6 grid, so everybody passed
    text = f"attempt_id,item_id,score,max_score\nT1,Q1,0,{value}\nT2,Q1,0,{value}\n"
    with pytest.raises(AnalyticsInputError) as error:
        read_responses(io.StringIO(text))
    assert str(error.value) == message


def test_histogram_of_a_large_maximum_lists_the_observed_scores(tmp_path: Path, capsys) -> None:
    # 20 items of 1,000 points: one entry per score from 0 to 20,000 before; 1,000,000 points
    # per item on 1,000 items asked for 8 GB
    rows = [(a, f"Q{i}", 1000 * (a == "T2")) for a in ("T1", "T2") for i in range(20)]
    text = "attempt_id,item_id,score,max_score\n" + "".join(
        f"{a},{i},{s},1000\n" for a, i, s in rows
    )
    code, out, _ = _run(["test-stats", _write(tmp_path / "r.csv", text)], capsys)
    assert code == 0
    assert json.loads(out)["histogram"] == [
        {"score": 0.0, "count": 1},
        {"score": 20000.0, "count": 1},
    ]


def test_pass_mask_of_large_totals_does_not_wrap() -> None:
    # 10,000,000 points × the 1e-6 grid × a cut's denominator of 1,000,000 passes 2**63:
    # the int64 product wrapped to a negative number and a full score failed
    totals = np.array([3_333_329.0, 3_333_330.0, 10_000_000.0])
    passed = pass_mask(totals, np.full(3, 10_000_000.0), Fraction(333_333, 1_000_000))
    assert passed.tolist() == [False, True, True]


def test_simulate_refuses_more_forms_than_it_can_draw(capsys: pytest.CaptureFixture) -> None:
    # --forms 100000000 drew 100,000,000 × 5 random numbers (4 GB, 29 s) for 10 attempts
    code, out, err = _run(
        ["simulate", "--items", "5", "--attempts", "10", "--forms", "100000000"], capsys
    )
    assert code == 2 and out == ""
    assert err == (
        "python -m analytics simulate : erreur : --forms : 100000000 formes × 5 items, au-delà "
        "de la limite de 10 000 000 (chaque tentative reçoit une forme : --forms ≤ "
        "--attempts suffit)\n"
    )


def test_a_utf16_file_without_its_mark_or_a_tab_separated_one_says_what_to_change(
    tmp_path: Path, capsys
) -> None:
    """Both used to say « colonne obligatoire absente : attempt_id », which tells nothing."""
    text = "attempt_id,item_id,score\nT1,Q1,1\nT2,Q1,0\n"
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(text.encode("utf-16-le"))  # no byte-order mark: NULs between the letters
    code, out, err = _run(["item-stats", str(utf16)], capsys)
    assert code == 2 and out == ""
    assert "le fichier semble en UTF-16 sans marque d'ordre ; enregistrez-le en UTF-8" in err
    tabs = _write(tmp_path / "tabs.csv", text.replace(",", "\t"))
    code, out, err = _run(["item-stats", tabs], capsys)
    assert code == 2 and out == ""
    assert "en-tête séparé par des tabulations : la virgule ou le point-virgule" in err


def test_max_iter_is_bounded(tmp_path: Path, capsys) -> None:
    text = "attempt_id,item_id,score\nT1,Q1,1\nT2,Q1,0\n"
    code, out, err = _run(["irt", _write(tmp_path / "r.csv", text), "--max-iter", "10001"], capsys)
    assert code == 2 and out == ""
    assert "au plus 10000 attendu, pas 10001" in err


@pytest.mark.parametrize("first_line", ["sep=;", "sep=,", "SEP=;"])
def test_an_excel_separator_line_is_named_not_read_as_the_header(
    tmp_path: Path, capsys, first_line: str
) -> None:
    """« sep=; » first (a hint some exports write for Excel) read as a one-column header: the
    error was « ligne 2 : 3 champs au lieu de 2 », about a line that is right."""
    sep = first_line[-1]
    text = f"{first_line}\nattempt_id{sep}item_id{sep}score\nT1{sep}Q1{sep}1\n"
    code, out, err = _run(["item-stats", _write(tmp_path / "excel.csv", text)], capsys)
    assert code == 2 and out == ""
    assert err == (
        f"python -m analytics item-stats : erreur : ligne 1 : « {first_line} » indique le "
        "séparateur à Excel, ce n'est pas l'en-tête attendu (attempt_id, item_id, score…) : "
        "supprimez cette ligne (le séparateur , ou ; est reconnu sur l'en-tête)\n"
    )
    with pytest.raises(AnalyticsInputError, match="ligne 1 : « sep=; » indique le séparateur"):
        read_responses(io.StringIO("\ufeffsep=;\nattempt_id;item_id;score\nT1;Q1;1\n"))


def test_a_file_the_user_may_not_read_is_said_in_french(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    """It read « PermissionError: [Errno 13] Permission denied: '…' » (tests run as root, who
    reads any file: the refusal is simulated)."""
    path = _write(tmp_path / "secret.csv", "attempt_id,item_id,score\nT1,Q1,1\n")

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(analytics.io, "open", refused, raising=False)
    code, out, err = _run(["item-stats", path], capsys)
    assert code == 2 and out == ""
    assert err == (
        f"python -m analytics item-stats : erreur : lecture refusée : {path} (permission refusée)\n"
    )
