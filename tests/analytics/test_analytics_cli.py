"""`python -m analytics` sub-commands, run in-process through analytics.cli.main."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT

from analytics.cli import main, persons_path


@pytest.fixture(scope="module")
def sim_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "sim.csv"
    code = main(["simulate", "--items", "12", "--attempts", "400", "--seed", "9",
                 "--miskey", "SIM-003", "--dif", "SIM-005", "-o", str(path)])  # fmt: skip
    assert code == 0
    return path


def _run(args: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_item_stats(sim_file: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, err = _run(["item-stats", str(sim_file)], capsys)
    assert code == 0 and err == ""
    table = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert list(table.columns) == ["item_id", "n", "facility", "sd", "r_total", "r_rest",
                                   "d27", "alpha_if_deleted", "flags"]  # fmt: skip
    assert len(table) == 12
    assert "negative_discrimination" in table.set_index("item_id").loc["SIM-003", "flags"]
    code, out, _ = _run(["item-stats", str(sim_file), "--too-easy", "0.0"], capsys)
    assert pd.read_csv(io.StringIO(out))["flags"].str.contains("too_easy").all()


def test_item_stats_to_file(sim_file: Path, tmp_path: Path, capsys) -> None:
    out_file = tmp_path / "items.csv"
    code, out, _ = _run(["item-stats", str(sim_file), "-o", str(out_file)], capsys)
    assert code == 0 and out == ""
    assert len(pd.read_csv(out_file)) == 12


def test_test_stats(sim_file: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = _run(["test-stats", str(sim_file), "--cut", "0.5"], capsys)
    assert code == 0
    result = json.loads(out)
    assert result["n_attempts"] == 400 and result["n_items"] == 12
    assert result["design"] == "complete"
    assert result["cut"] == 0.5
    assert set(result["decision_consistency"]) >= {"method", "p", "kappa"}
    assert sum(h["count"] for h in result["histogram"]) == 400


def test_distractors(sim_file: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = _run(["distractors", str(sim_file)], capsys)
    assert code == 0
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns) == ["item_id", "option", "is_key", "proportion", "mean_total",
                                   "r_total", "p_upper", "p_lower"]  # fmt: skip
    assert len(table) == 12 * 5  # A–D and (omit)


def test_dif(sim_file: Path, capsys: pytest.CaptureFixture) -> None:
    args = ["dif", str(sim_file), "--group", "group", "--reference", "ref", "--focal", "focal"]
    code, out, _ = _run(args, capsys)
    assert code == 0
    table = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert list(table.columns[:8]) == ["item_id", "mh_alpha", "mh_chi2", "mh_p", "mh_d_dif",
                                       "ets_class", "n_reference", "n_focal"]  # fmt: skip
    code, out, _ = _run([*args, "--exclude-item"], capsys)
    assert code == 0 and len(pd.read_csv(io.StringIO(out))) == 12


def test_simulate_truth_and_stdout(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    truth = tmp_path / "truth.csv"
    code, out, _ = _run(["simulate", "--items", "5", "--attempts", "20", "--seed", "1",
                         "--model", "rasch", "--forms", "2", "--form-length", "3",
                         "--truth", str(truth), "--miskey", "SIM-001,SIM-002"], capsys)  # fmt: skip
    assert code == 0
    responses = pd.read_csv(io.StringIO(out))
    assert len(responses) == 20 * 3
    items = pd.read_csv(truth)
    assert list(items.columns) == ["item_id", "a", "b", "key", "true_key", "miskeyed", "dif"]
    assert items["miskeyed"].tolist() == [True, True, False, False, False]
    assert len(pd.read_csv(persons_path(str(truth)))) == 20


def test_irt(sim_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    pytest.importorskip("analytics.irt")
    persons = tmp_path / "persons.csv"
    code, out, err = _run(["irt", str(sim_file), "--model", "rasch", "--persons",
                           str(persons)], capsys)  # fmt: skip
    assert code == 0
    assert {"item_id", "a", "b", "se_a", "se_b"} <= set(pd.read_csv(io.StringIO(out)).columns)
    assert "irt rasch" in err and "itérations" in err
    assert list(pd.read_csv(persons).columns) == ["attempt_id", "theta", "se"]


def test_irt_module_missing(sim_file: Path, monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "analytics.irt", None)  # import now raises ImportError
    code, out, err = _run(["irt", str(sim_file)], capsys)
    assert code == 2 and out == ""
    assert "module IRT indisponible" in err


@pytest.mark.parametrize(
    "args",
    [
        ["item-stats", "{bad}"],
        ["test-stats", "{bad}"],
        ["distractors", "{bad}"],
        ["dif", "{bad}", "--group", "group", "--reference", "a", "--focal", "b"],
        ["item-stats", "{missing}"],
        ["test-stats", "{sim}", "--cut", "2"],
        ["dif", "{sim}", "--group", "group", "--reference", "ref", "--focal", "nobody"],
        ["simulate", "--items", "3", "--attempts", "5", "--miskey", "X"],
    ],
)
def test_errors_exit_2_with_one_line(args, sim_file: Path, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("attempt_id,item_id,score\na1,Q1,1\na1,Q2,oui\n", encoding="utf-8")
    values = {"bad": bad, "missing": tmp_path / "absent.csv", "sim": sim_file}
    code, out, err = _run([a.format(**values) for a in args], capsys)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"python -m analytics {args[0]} : erreur : ")
    if "{bad}" in args:
        assert "ligne 3, colonne score : valeur non numérique « oui »" in err


def test_row_errors_found_after_reading_name_the_file_line(tmp_path: Path, capsys) -> None:
    """The group of an attempt is checked by `dif`, after reading: the line it names is still
    the file's own (two blank lines before it)."""
    source = tmp_path / "groups.csv"
    source.write_text(
        "attempt_id,item_id,score,group\na1,Q1,1,ref\n\n\na1,Q2,0,focal\n", encoding="utf-8"
    )
    code, _, err = _run(
        ["dif", str(source), "--group", "group", "--reference", "ref", "--focal", "focal"], capsys
    )
    assert code == 2
    assert "ligne 5, colonne group : groupe différent pour la même tentative a1" in err


@pytest.mark.parametrize(
    ("cut", "message"),
    [("1.5", "--cut : seuil 1.5 hors de [0, 1]"), ("abc", "--cut : seuil illisible : « abc »")],
)
def test_bad_cut_names_the_option(cut: str, message: str, sim_file: Path, capsys) -> None:
    code, out, err = _run(["test-stats", str(sim_file), "--cut", cut], capsys)
    assert code == 2 and out == ""
    assert err == f"python -m analytics test-stats : erreur : {message}\n"


def test_usage_errors(capsys: pytest.CaptureFixture) -> None:
    code, _, err = _run(["dif", "x.csv"], capsys)
    assert code == 2 and err.count("\n") == 1 and "--group" in err
    code, _, err = _run([], capsys)
    assert code == 2
    code, out, _ = _run(["--help"], capsys)
    assert code == 0 and "item-stats" in out


@pytest.mark.parametrize(
    "command", [[], ["item-stats"], ["test-stats"], ["distractors"], ["irt"], ["dif"], ["simulate"]]
)
def test_help_is_in_french(command: list[str], capsys: pytest.CaptureFixture) -> None:
    # argparse wrote « usage: », « positional arguments: », « options: » and « show this help
    # message and exit » around the French descriptions
    code, out, _ = _run([*command, "--help"], capsys)
    assert code == 0
    assert out.startswith(f"Usage : python -m analytics {' '.join(command)}".rstrip())
    assert "Options :\n  -h, --help" in out and "affiche cette aide et quitte" in out
    assert ("Arguments :\n" in out) == (command != ["simulate"])  # simulate reads no file
    for english in ("usage:", "positional arguments", "options:", "show this help message"):
        assert english not in out


def test_module_entry_point() -> None:
    """`python -m analytics --help` in a subprocess."""
    done = subprocess.run(
        [sys.executable, "-m", "analytics", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "test-stats" in done.stdout


def test_acceptance_recovery_and_miskey_through_the_cli(tmp_path: Path, capsys) -> None:
    """The issue's acceptance, as a checker runs it: simulate 5,000 × 40 (2PL) with a wrong
    key, then `irt --model 2pl` recovers b (r ≥ 0.98) and a (r ≥ 0.90) on the sound items and
    `item-stats` flags the wrong key ('check the key' and the true key as a second key)."""
    pytest.importorskip("analytics.irt")
    responses, truth, irt = tmp_path / "r.csv", tmp_path / "truth.csv", tmp_path / "irt.csv"
    assert main(["simulate", "--items", "40", "--attempts", "5000", "--model", "2pl",
                 "--seed", "7", "--miskey", "SIM-007", "--truth", str(truth),
                 "-o", str(responses)]) == 0  # fmt: skip
    assert main(["irt", str(responses), "--model", "2pl", "-o", str(irt)]) == 0
    assert main(["item-stats", str(responses)]) == 0
    out, _ = capsys.readouterr()
    items = pd.read_csv(truth).set_index("item_id")
    fit = pd.read_csv(irt).set_index("item_id").loc[items.index]
    sound = ~items["miskeyed"]
    assert fit.loc[sound, "b"].corr(items.loc[sound, "b"]) >= 0.98
    assert fit.loc[sound, "a"].corr(items.loc[sound, "a"]) >= 0.90
    flags = pd.read_csv(io.StringIO(out), keep_default_na=False).set_index("item_id")["flags"]
    assert "negative_discrimination" in flags["SIM-007"].split(";")
    assert f"possible_second_key:{items.loc['SIM-007', 'true_key']}" in flags["SIM-007"]
    assert not flags.drop(index="SIM-007").str.contains("negative_discrimination").any()


# LSAT section 7 (Bock & Aitkin, 1981, Psychometrika 46, 443-459), the response-pattern
# frequencies of mirt's ``data(LSAT7)`` (patterns 00000 … 11111 in binary order).
LSAT7_FREQUENCIES = [12, 19, 1, 7, 3, 19, 3, 17, 10, 5, 3, 7, 7, 23, 8, 28]
LSAT7_FREQUENCIES += [7, 39, 11, 34, 14, 51, 15, 90, 6, 25, 7, 35, 18, 136, 32, 308]


def test_lsat7_2pl_through_the_cli_matches_mirt(tmp_path: Path, capsys) -> None:
    """2PL on LSAT-7 through ``irt`` within 0.01 of mirt.

    Source: Chalmers (2012), mirt, J. Stat. Software 48(6); ``coef(mirt(expand.table(LSAT7),
    1))``: slopes a1 0.988, 1.081, 1.706, 0.765, 0.736 and intercepts d 1.856, 0.808, 1.804,
    0.486, 1.855 (b = −d / a); log-likelihood −2658.805.
    """
    rows = ["attempt_id,item_id,score"]
    attempt = 0
    for pattern, count in enumerate(LSAT7_FREQUENCIES):
        for _ in range(count):
            attempt += 1
            bits = format(pattern, "05b")
            rows += [f"P{attempt},Item{j + 1},{bit}" for j, bit in enumerate(bits)]
    source = tmp_path / "lsat7.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert attempt == 1000
    assert main(["irt", str(source), "--model", "2pl"]) == 0
    captured = capsys.readouterr()
    table = pd.read_csv(io.StringIO(captured.out))  # the convergence line goes to stderr
    slopes = [0.988, 1.081, 1.706, 0.765, 0.736]
    intercepts = [1.856, 0.808, 1.804, 0.486, 1.855]
    assert table["a"].tolist() == pytest.approx(slopes, abs=0.01)
    assert (-table["a"] * table["b"]).tolist() == pytest.approx(intercepts, abs=0.01)
    assert "-2658.80" in captured.err


def test_few_attempts_are_flagged_without_changing_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """3 attempts × 5 items: figures still given, plus a `warnings` key and stderr lines."""
    path = tmp_path / "small.csv"
    rows = [(f"C{a}", f"I{i}", s) for a, r in enumerate([[1, 0, 1, 1, 1], [0, 0, 1, 0, 1],
            [1, 1, 1, 1, 0]]) for i, s in enumerate(r)]  # fmt: skip
    pd.DataFrame(rows, columns=["attempt_id", "item_id", "score"]).to_csv(path, index=False)
    code, out, err = _run(["test-stats", str(path)], capsys)
    result = json.loads(out)
    assert code == 0 and result["n_attempts"] == 3 and result["alpha_ci"] is not None
    assert len(result["warnings"]) == 1 and "moins de 30" in result["warnings"][0]
    assert err.startswith("python -m analytics test-stats : attention : 3 tentatives")
    code, out, err = _run(["item-stats", str(path)], capsys)
    assert code == 0 and len(pd.read_csv(io.StringIO(out))) == 5
    assert "5 item(s) sur 5 vu(s) par moins de 30 tentatives" in err


def test_enough_attempts_warn_nothing(sim_file: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, err = _run(["test-stats", str(sim_file)], capsys)
    assert code == 0 and err == "" and json.loads(out)["warnings"] == []


def test_irt_on_answers_all_right_is_one_french_line(tmp_path: Path, capsys) -> None:
    """Nothing to calibrate is said in French, as the other input errors, without the
    exception's class name."""
    path = tmp_path / "all_right.csv"
    path.write_text("attempt_id,item_id,score\na,i1,1\nb,i1,1\nc,i1,1\n", encoding="utf-8")
    code, out, err = _run(["irt", str(path)], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "aucun item n'a à la fois des réponses justes et fausses" in err
    assert "ValueError" not in err


def test_irt_warns_when_items_were_seen_by_few_attempts(
    sim_file: Path, tmp_path: Path, capsys
) -> None:
    pytest.importorskip("analytics.irt")
    small = tmp_path / "small.csv"
    assert (
        main(["simulate", "--items", "5", "--attempts", "25", "--seed", "3", "-o", str(small)]) == 0
    )
    capsys.readouterr()
    code, _out, err = _run(["irt", str(small), "--model", "rasch"], capsys)
    assert code == 0
    assert "5 item(s) sur 5 vu(s) par moins de 30 tentatives" in err
    code, _out, err = _run(["irt", str(sim_file), "--model", "rasch"], capsys)  # 400 attempts
    assert code == 0 and "moins de 30" not in err


# Values for the required options of a sub-command walked below (any other gets "1").
REQUIRED_VALUES = {"group": "group", "reference": "ref", "focal": "focal", "items": "3"}


def test_every_command_refuses_a_missing_file_or_folder_in_one_line(tmp_path: Path, capsys):
    """Each sub-command (a new one too) given a file that does not exist, or an output in a
    folder that does not exist, says so in one French line, exit status 2, nothing written."""
    import argparse

    from analytics.cli import build_parser

    parser = build_parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    missing = tmp_path / "absent"
    for name, sub in commands.choices.items():
        args = [name]
        for action in sub._actions:
            if not action.option_strings:
                args.append(str(missing / "reponses.csv"))
            elif action.required:
                args += [action.option_strings[-1], REQUIRED_VALUES.get(action.dest, "1")]
        if any(a.dest == "output" for a in sub._actions):
            args += ["-o", str(missing / "sortie.csv")]
        code, out, err = _run(args, capsys)
        assert code == 2, (args, err)
        assert out == "" and err.count("\n") == 1 and "Traceback" not in err, (args, err)
        assert err.startswith(f"python -m analytics {name} : erreur : ")
        assert str(missing) in err and ("introuvable" in err or "n'existe pas" in err), err
    assert not missing.exists()


@pytest.mark.parametrize(
    ("args", "failing"),
    [
        (
            ["irt", "{sim}", "-o", "{ok}/items.csv", "--persons", "{absent}/persons.csv"],
            "{absent}/persons.csv",
        ),
        (
            [
                "simulate",
                "--items",
                "3",
                "--attempts",
                "5",
                "-o",
                "{ok}/r.csv",
                "--truth",
                "{absent}/truth.csv",
            ],
            "{absent}/truth.csv",
        ),
        (["item-stats", "{sim}", "-o", "{ok}"], "{ok}"),
    ],
)
def test_output_files_are_all_or_nothing(args, failing, sim_file: Path, tmp_path: Path, capsys):
    """A second output that cannot be written leaves no first one behind, nor a half file."""
    ok = tmp_path / "ok"
    ok.mkdir()
    values = {"sim": sim_file, "ok": ok, "absent": tmp_path / "absent"}
    code, out, err = _run([a.format(**values) for a in args], capsys)
    assert code == 2 and out == ""
    written = failing.format(**values)
    reason = "c'est un dossier" if failing == "{ok}" else "le dossier n'existe pas"
    assert err == (
        f"python -m analytics {args[0]} : erreur : impossible d'écrire {written} : {reason}\n"
    )
    assert list(ok.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["simulate", "--items", "3", "--attempts", "5", "--seed", "-1"],
         "argument --seed : au moins 0 attendu, pas -1"),
        (["simulate", "--items", "trois", "--attempts", "5"],
         "argument --items : nombre entier attendu : « trois »"),
        (["irt", "{sim}", "--max-iter", "0"], "argument --max-iter : au moins 1 attendu, pas 0"),
        (["irt", "{sim}", "--tol", "nan"], "argument --tol : nan n'est pas un nombre fini"),
        (["irt", "{sim}", "--tol", "-1"],
         "argument --tol : nombre strictement positif attendu, pas -1"),
        (["item-stats", "{sim}", "--too-easy", "inf"],
         "argument --too-easy : inf n'est pas un nombre fini"),
        # a percentage typed for a proportion flagged every distractor (or none), exit 0
        (["item-stats", "{sim}", "--unused-distractor", "5"],
         "argument --unused-distractor : proportion de 0 à 1 attendue, pas 5 (5 % s'écrit 0.05)"),
        (["item-stats", "{sim}", "--too-easy", "95"],
         "argument --too-easy : proportion de 0 à 1 attendue, pas 95 (95 % s'écrit 0.95)"),
        (["item-stats", "{sim}", "--too-hard", "-0.2"],
         "argument --too-hard : proportion de 0 à 1 attendue, pas -0.2"),
        (["item-stats", "{sim}", "--second-key-alpha", "20"],
         "argument --second-key-alpha : proportion de 0 à 1 attendue, pas 20 (20 % s'écrit 0.2)"),
        (["item-stats", "{sim}", "--low-discrimination", "2"],
         "argument --low-discrimination : corrélation de −1 à 1 attendue, pas 2"),
        (["item-stats", "{sim}", "--second-key-margin", "5"],
         "argument --second-key-margin : écart de proportions de −1 à 1 attendu, pas 5"),
    ],
)  # fmt: skip
def test_numbers_are_checked_in_french(args, message, sim_file: Path, capsys) -> None:
    code, out, err = _run([a.format(sim=sim_file) for a in args], capsys)
    assert code == 2 and out == ""
    assert err == f"python -m analytics {args[0]} : erreur : {message} (voir --help)\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'attempt_id,item_id,score\na1,"Q1,1\na2,Q2,0\n', "ligne 2 : guillemet ouvert jamais fermé"),
        ("attempt_id,item_id,score\na1,Q1,1\na2,Qé,1\n".encode("latin-1"),
         "fichier non UTF-8 : {path} (ligne 3, colonne 5) ; enregistrez-le en UTF-8"),
        ("attempt_id,item_é\n".encode("latin-1"),
         "fichier non UTF-8 : {path} (ligne 1, colonne 17) ; enregistrez-le en UTF-8"),
    ],
)  # fmt: skip
def test_unreadable_csv_names_the_line(content: bytes, message: str, tmp_path: Path, capsys):
    path = tmp_path / "reponses.csv"
    path.write_bytes(content)
    code, out, err = _run(["item-stats", str(path)], capsys)
    assert code == 2 and out == ""
    assert err == f"python -m analytics item-stats : erreur : {message.format(path=path)}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "python -m analytics : erreur : argument COMMANDE : 'nope' inconnu (choix : "
         "'item-stats', 'test-stats', 'distractors', 'irt', 'dif', 'simulate')"),
        (["dif", "x.csv"], "python -m analytics dif : erreur : argument(s) obligatoire(s) "
         "manquant(s) : --group, --reference, --focal"),
        (["irt", "x.csv", "--model", "3pl"], "python -m analytics irt : erreur : argument "
         "--model : '3pl' inconnu (choix : 'rasch', '2pl')"),
        (["irt", "x.csv", "--tol"], "python -m analytics irt : erreur : argument --tol : une "
         "valeur attendue"),
        (["irt", "x.csv", "--bogus", "1"], "python -m analytics : erreur : argument(s) "
         "inconnu(s) : --bogus 1"),
    ],
)  # fmt: skip
def test_usage_errors_are_in_french(args: list[str], message: str, capsys) -> None:
    code, out, err = _run(args, capsys)
    assert code == 2 and out == ""
    assert err == f"{message} (voir --help)\n"


def test_an_oversized_simulation_writes_nothing(tmp_path: Path, capsys) -> None:
    out_file = tmp_path / "sim.csv"
    code, out, err = _run(
        ["simulate", "--items", "200", "--attempts", "50001", "-o", str(out_file)], capsys
    )
    assert code == 2 and out == "" and not out_file.exists()
    assert "200 items × 50001 tentatives" in err and "réduisez --items ou --attempts" in err
