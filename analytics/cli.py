"""Command line: ``python -m analytics <command> …`` (see docs/analytics-cli.md)."""

from __future__ import annotations

import argparse
import errno
import importlib
import json
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn, TextIO

import pandas as pd

from analytics.io import AnalyticsInputError, at_file_lines

FLOAT_FORMAT = "%.6g"


# argparse's own usage errors, in English, and how a French user reads them.
USAGE_ERRORS = (
    (r"the following arguments are required: (.+)", r"argument(s) obligatoire(s) manquant(s) : \1"),
    (r"argument (\S+): invalid choice: (.+) \(choose from (.+)\)", r"argument \1 : \2 inconnu (choix : \3)"),
    (r"argument (\S+): expected one argument", r"argument \1 : une valeur attendue"),
    (r"unrecognized arguments: (.+)", r"argument(s) inconnu(s) : \1"),
    (r"argument (\S+): ignored explicit argument (.+)", r"argument \1 : valeur inattendue \2"),
    (r"argument (\S+): (.+)", r"argument \1 : \2"),  # the French messages of our own types
)  # fmt: skip


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help written the French way: « Usage : », « Options : » (the headings'
    words are set by `_Parser`)."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, "Usage : " if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        super().start_section(f"{heading} " if heading else heading)  # argparse adds the « : »


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose help is in French and whose usage errors are a single line on
    stderr (exit status 2)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **{**kwargs, "add_help": False})
        self._positionals.title = "Arguments"
        self._optionals.title = "Options"
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS,
            help="affiche cette aide et quitte",
        )  # fmt: skip

    def error(self, message: str) -> NoReturn:
        for english, french in USAGE_ERRORS:
            message, count = re.subn(f"^{english}$", french, message)
            if count:
                break
        self.exit(2, f"{self.prog} : erreur : {message} (voir --help)\n")


#: The most EM iterations `irt --max-iter` may ask for (500 by default; converging fits take
#: a few dozen).
MAX_ITERATIONS = 10_000


def _whole(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from ``minimum`` (to ``maximum``), refused in French
    otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"nombre entier attendu : « {text} »") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"au moins {minimum} attendu, pas {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"au plus {maximum} attendu, pas {value}")
        return value

    return parse


def _number(text: str, *, positive: bool = False) -> float:
    """An argparse type: a finite number (strictly positive if ``positive``), in French."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre attendu : « {text} »") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text} n'est pas un nombre fini")
    if positive and value <= 0:
        raise argparse.ArgumentTypeError(f"nombre strictement positif attendu, pas {text}")
    return value


def _positive(text: str) -> float:
    return _number(text, positive=True)


def _share(text: str) -> float:
    """An argparse type: a proportion from 0 to 1 (a facility, a choice share, a p-value); a
    percentage typed instead (« 5 » for 5 %) would silently flag every item or none."""
    value = _number(text)
    if not 0 <= value <= 1:
        hint = f" ({text} % s'écrit {value / 100:g})" if 1 < value <= 100 else ""
        raise argparse.ArgumentTypeError(f"proportion de 0 à 1 attendue, pas {text}{hint}")
    return value


def _correlation(text: str) -> float:
    """An argparse type: a correlation threshold, from −1 to 1."""
    value = _number(text)
    if not -1 <= value <= 1:
        raise argparse.ArgumentTypeError(f"corrélation de −1 à 1 attendue, pas {text}")
    return value


def _gap(text: str) -> float:
    """An argparse type: a difference of two proportions, from −1 to 1."""
    value = _number(text)
    if not -1 <= value <= 1:
        raise argparse.ArgumentTypeError(f"écart de proportions de −1 à 1 attendu, pas {text}")
    return value


def _ids(values: Sequence[str] | None) -> list[str]:
    """Repeated and/or comma-separated ids: ['A,B', 'C'] -> ['A', 'B', 'C']."""
    return [v.strip() for value in values or () for v in value.split(",") if v.strip()]


WRITE_ERRORS = {
    FileNotFoundError: "le dossier n'existe pas",
    PermissionError: "permission refusée",
    IsADirectoryError: "c'est un dossier",
}


def _write_files(files: Sequence[tuple[str, str]]) -> None:
    """Write every output file, all or none: each goes to a temporary file beside it, renamed
    once all are written, so a failure (missing folder, disk full) leaves no file half done.

    Two outputs naming the same file are refused (the second would silently replace the
    first). A symbolic link is followed (the file it names is replaced, the link kept), and
    an output that exists but is no regular file (/dev/null, /dev/stdout, a named pipe) is
    written in place: renaming onto it would replace the device or pipe itself."""
    seen: dict[str, str] = {}
    for path, _ in files:
        real = os.path.realpath(path)
        if real in seen:
            both = path if seen[real] == path else f"{seen[real]} et {path}"
            raise AnalyticsInputError(f"deux sorties dans le même fichier ({both})")
        seen[real] = path
    written: list[tuple[Path, Path]] = []
    streams: list[tuple[str, str]] = []
    try:
        for path, text in files:
            if os.path.isdir(path):
                raise IsADirectoryError(path)
            if os.path.exists(path) and not os.path.isfile(path):
                streams.append((path, text))
                continue
            real = Path(os.path.realpath(path))
            temporary = real.with_name(f".{real.name}.partiel")
            written.append((temporary, real))
            temporary.write_text(text, encoding="utf-8")
        for path, text in streams:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
    except OSError as exc:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
        reason = WRITE_ERRORS.get(type(exc), f"erreur du système ({exc.strerror or exc})")
        if exc.errno == errno.ENOSPC:
            reason = "disque plein"
        raise AnalyticsInputError(f"impossible d'écrire {path} : {reason}") from exc
    for temporary, real in written:
        os.replace(temporary, real)


def _csv(df: pd.DataFrame, **kwargs: object) -> str:
    return df.to_csv(index=False, lineterminator="\n", **kwargs)


def _write_table(df: pd.DataFrame, out: str | None, stdout: TextIO, **kwargs: object) -> None:
    if out:
        _write_files([(out, _csv(df, **kwargs))])
    else:
        df.to_csv(stdout, index=False, **kwargs)


def _options(value: str | None) -> list[str] | None:
    return _ids([value]) if value else None


def _warn(stderr: TextIO, command: str, message: str) -> None:
    """One caution line on stderr (the result on stdout keeps its documented format)."""
    stderr.write(f"python -m analytics {command} : attention : {message}\n")


def _warn_few(stderr: TextIO, command: str, seen: pd.Series) -> None:
    """Warn when some items were seen by fewer than FEW_ATTEMPTS attempts."""
    from analytics.reliability import FEW_ATTEMPTS

    few = int((seen < FEW_ATTEMPTS).sum())
    if few:
        _warn(
            stderr,
            command,
            f"{few} item(s) sur {len(seen)} vu(s) par moins de {FEW_ATTEMPTS} tentatives : "
            "statistiques et alertes peu fiables",
        )


def _cmd_item_stats(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from analytics.classical import FlagThresholds, item_stats
    from analytics.io import read_responses

    thresholds = FlagThresholds(
        too_easy=args.too_easy,
        too_hard=args.too_hard,
        low_discrimination=args.low_discrimination,
        negative_discrimination=args.negative_discrimination,
        unused_distractor=args.unused_distractor,
        second_key_margin=args.second_key_margin,
        second_key_alpha=args.second_key_alpha,
    )
    table = read_responses(args.file)
    result = item_stats(table, thresholds, options=_options(args.options))
    _write_table(result, args.output, stdout, float_format=FLOAT_FORMAT)
    _warn_few(stderr, "item-stats", result["n"])
    return 0


def _cmd_test_stats(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from analytics.io import read_responses
    from analytics.reliability import parse_cut, test_stats

    try:  # checked before reading the file, and named as the option the user typed
        cut = parse_cut(args.cut)
    except AnalyticsInputError as exc:
        raise AnalyticsInputError(f"--cut : {exc}") from exc
    result = test_stats(read_responses(args.file), cut=cut)
    json.dump(result.to_dict(), stdout, ensure_ascii=False, indent=2)
    stdout.write("\n")
    for message in result.warnings:
        _warn(stderr, "test-stats", message)
    return 0


def _cmd_distractors(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from analytics.distractors import distractor_analysis
    from analytics.io import read_responses

    table = read_responses(args.file)
    result = distractor_analysis(table, options=_options(args.options))
    _write_table(result, args.output, stdout, float_format=FLOAT_FORMAT)
    _warn_few(stderr, "distractors", table.groupby("item_id", observed=True).size())
    return 0


def _cmd_irt(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from analytics.io import read_responses

    try:
        irt = importlib.import_module("analytics.irt")
    except ImportError as exc:
        raise AnalyticsInputError(f"module IRT indisponible (analytics.irt) : {exc}") from exc
    table = read_responses(args.file)
    result = irt.calibrate(table, args.model, max_iter=args.max_iter, tol=args.tol)
    files = []
    if args.output:
        files.append((args.output, _csv(result.items, float_format=FLOAT_FORMAT)))
    if args.persons:
        persons = irt.person_abilities(table, result)
        files.append((args.persons, _csv(persons, float_format=FLOAT_FORMAT)))
    _write_files(files)  # both or neither, before anything is said to have worked
    if not args.output:
        result.items.to_csv(stdout, index=False, float_format=FLOAT_FORMAT)
    state = "convergé" if result.converged else "NON convergé"
    stderr.write(
        f"irt {result.model} : {state} en {result.iterations} itérations, "
        f"log-vraisemblance {result.log_likelihood:.4f}\n"
    )
    _warn_few(stderr, "irt", table.groupby("item_id", observed=True).size())
    return 0


def _cmd_dif(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from analytics.dif import mh_dif
    from analytics.io import read_responses

    result = mh_dif(
        read_responses(args.file),
        group=args.group,
        reference=args.reference,
        focal=args.focal,
        exclude_item=args.exclude_item,
    )
    _write_table(result, args.output, stdout, float_format=FLOAT_FORMAT)
    return 0


def persons_path(truth: str) -> str:
    """Where `simulate --truth OUT` writes the person thetas: OUT_persons.csv."""
    path = Path(truth)
    if path.name in ("", ".", "..") or path.is_dir():  # no file name to add "_persons" to
        raise AnalyticsInputError(f"impossible d'écrire {truth} : c'est un dossier")
    return str(path.with_name(f"{path.stem}_persons{path.suffix or '.csv'}"))


def _cmd_simulate(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from analytics.simulate import simulate_responses

    sim = simulate_responses(
        args.items,
        args.attempts,
        args.model,
        seed=args.seed,
        miskey=_ids(args.miskey),
        dif=_ids(args.dif),
        dif_shift=args.dif_shift,
        form_length=args.form_length,
        n_forms=args.forms,
        omit_rate=args.omit_rate,
    )
    files = [(args.output, _csv(sim.responses))] if args.output else []
    if args.truth:
        files.append((args.truth, _csv(sim.items)))
        files.append((persons_path(args.truth), _csv(sim.persons)))
    _write_files(files)  # all three or none
    if not args.output:
        sim.responses.to_csv(stdout, index=False)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of `python -m analytics`."""
    parser = _Parser(
        prog="python -m analytics",
        description="Analyse psychométrique des réponses (format long CSV : attempt_id, "
        "item_id, score [, max_score, option, key, group, seconds]).",
        epilog="Documentation : docs/analytics-cli.md",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser)
    sub.required = True

    def add(name: str, help_: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_, description=help_)

    p = add("item-stats", "statistiques classiques par item et alertes (CSV)")
    p.add_argument("file", metavar="FILE", help="fichier de réponses CSV (format long)")
    p.add_argument("-o", "--output", metavar="OUT", help="CSV de sortie (défaut : stdout)")
    p.add_argument("--too-easy", metavar="X", type=_share, default=0.95, help="facility > X (0.95)")
    p.add_argument("--too-hard", metavar="X", type=_share, default=0.20, help="facility < X (0.20)")
    p.add_argument(
        "--low-discrimination",
        metavar="X",
        type=_correlation,
        default=0.20,
        help="r_rest < X (0.20)",
    )
    p.add_argument(
        "--negative-discrimination",
        metavar="X",
        type=_correlation,
        default=0.0,
        help="r_rest < X (0)",
    )
    p.add_argument(
        "--unused-distractor",
        metavar="X",
        type=_share,
        default=0.05,
        help="distracteur choisi < X (0.05)",
    )
    p.add_argument(
        "--second-key-margin",
        metavar="X",
        type=_gap,
        default=0.0,
        help="seconde clé possible : p_upper − p_lower > X (0)",
    )
    p.add_argument(
        "--second-key-alpha",
        metavar="X",
        type=_share,
        default=1.0,
        help="…et corrélation distracteur-total > 0 au seuil unilatéral X (1 = sans test)",
    )
    p.add_argument("--options", metavar="A,B,C,D", help="options proposées (tous les items)")
    p.set_defaults(run=_cmd_item_stats)

    p = add("test-stats", "statistiques du test, fidélité, taux de réussite (JSON)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--cut", default="0.6", help="seuil de réussite, part du maximum (0.6)")
    p.set_defaults(run=_cmd_test_stats)

    p = add("distractors", "analyse des options par item (CSV)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", metavar="OUT")
    p.add_argument("--options", metavar="A,B,C,D", help="options proposées (tous les items)")
    p.set_defaults(run=_cmd_distractors)

    p = add("irt", "calibration IRT Rasch / 2PL (CSV des items)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--model", choices=("rasch", "2pl"), default="2pl")
    p.add_argument("-o", "--output", metavar="OUT")
    p.add_argument("--persons", metavar="OUT", help="CSV des aptitudes EAP des tentatives")
    # bounded: data that never converges would otherwise run for days
    p.add_argument("--max-iter", type=_whole(1, MAX_ITERATIONS), default=500)
    p.add_argument("--tol", type=_positive, default=1e-4)
    p.set_defaults(run=_cmd_irt)

    p = add("dif", "fonctionnement différentiel des items, Mantel–Haenszel (CSV)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--group", required=True, metavar="COL", help="colonne de groupe")
    p.add_argument("--reference", required=True, metavar="VAL", help="groupe de référence")
    p.add_argument("--focal", required=True, metavar="VAL", help="groupe focal")
    p.add_argument("--exclude-item", action="store_true", help="apparier sur le score hors item")
    p.add_argument("-o", "--output", metavar="OUT")
    p.set_defaults(run=_cmd_dif)

    p = add("simulate", "simuler un fichier de réponses réaliste (CSV)")
    p.add_argument("--items", type=_whole(1), required=True, metavar="N")
    p.add_argument("--attempts", type=_whole(1), required=True, metavar="M")
    p.add_argument("--model", choices=("rasch", "2pl"), default="2pl")
    p.add_argument("--seed", type=_whole(0))
    p.add_argument("--miskey", action="append", metavar="ID", help="item à clé erronée")
    p.add_argument("--dif", action="append", metavar="ID", help="item avec DIF (focal)")
    p.add_argument("--dif-shift", type=_number, default=0.8, metavar="LOGIT")
    p.add_argument("--forms", type=_whole(0), default=0, metavar="F", help="nombre de formes fixes")
    p.add_argument(
        "--form-length", type=_whole(1), metavar="K", help="items par tentative (tirage aléatoire)"
    )
    p.add_argument("--omit-rate", type=_number, default=0.01, metavar="P")
    p.add_argument("-o", "--output", metavar="OUT")
    p.add_argument("--truth", metavar="OUT", help="CSV des vrais paramètres des items")
    p.set_defaults(run=_cmd_simulate)
    return parser


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command line; returns the exit status (0 ok, 2 error)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or usage error (2)
        return int(exc.code or 0)
    try:
        return args.run(args, stdout, stderr)
    except BrokenPipeError:  # e.g. `| head`: stop quietly (before OSError, its parent)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except AnalyticsInputError as exc:
        file = getattr(args, "file", None)
        message = str(at_file_lines(exc, file) if file else exc)
    except (OSError, ValueError) as exc:
        message = f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # never a traceback
        message = f"erreur interne ({type(exc).__name__}) : {exc}"
    one_line = " ".join(message.split())
    stderr.write(f"python -m analytics {args.command} : erreur : {one_line}\n")
    return 2
