"""Bad input on the command line: a French line and an exit status, never a traceback."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from tests.test_cli import COMMAND_ENVIRONMENT

# Flask's and its extensions' own commands: their messages are theirs, not the platform's.
NOT_OURS = {"run", "shell", "routes", "db", "limiter"}
# Commands that read files only: they cannot find the database down.
FILES_ONLY = {"banks validate", "referentials validate"}


def our_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    """Every leaf command under ``group`` (its sub-groups walked), named by its full path."""
    found = []
    for name, command in sorted(group.commands.items()):
        if not prefix and name in NOT_OURS:
            continue
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            found += our_commands(command, f"{path} ")
        else:
            found.append((path, command))
    return found


def arguments(command: click.Command, folder: Path, *, wrong: bool) -> list[str]:
    """Values for the command's arguments and required options: unknown ones (a missing file,
    an unknown id or slug, a missing output folder) if ``wrong``, else plausible ones."""
    args = []
    for param in command.params:
        if not (param.required or (wrong and isinstance(param, click.Argument))):
            continue  # an optional argument given right is its default (the shipped files)
        name = param.name or ""
        if isinstance(param.type, click.Choice):
            value = param.type.choices[0]
        elif isinstance(param.type, click.types._NumberParamTypeBase):
            value = "999999" if wrong else "1"
        elif name == "output":
            value = str(folder / "absent" / "sortie") if wrong else str(folder / "sortie")
        elif name in {"start", "end"}:
            value = "2026-03-01"
        elif isinstance(param, click.Argument):  # a file or folder to read
            value = str(folder / "inexistant.yaml") if wrong else str(folder / "items.csv")
        else:
            value = "inexistant" if wrong else "fiscalite"
        if isinstance(param, click.Argument):
            args.append(value)
        else:
            args += [param.opts[-1], value]
    return args


def assert_no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


def test_the_walk_finds_every_command_of_the_platform(app):
    names = {name for name, _ in our_commands(app.cli)}
    assert {
        "analytics refresh",
        "attempts finalize-expired",
        "banks export",
        "banks import",
        "banks load",
        "banks validate",
        "demo",
        "privacy purge",
        "referentials load",
        "referentials validate",
        "reports period",
        "reports session",
    } <= names


def test_every_command_refuses_an_unknown_file_id_or_slug_in_one_french_line(app, tmp_path):
    """A new command taking a file, an id or a slug is walked too: whatever it is given that
    does not exist, it refuses it without a traceback and with a non-zero exit status."""
    runner = app.test_cli_runner()
    walked = []
    for name, command in our_commands(app.cli):
        args = arguments(command, tmp_path, wrong=True)
        if not args:
            continue  # nothing to get wrong: the database test below covers it
        result = runner.invoke(args=[*name.split(), *args])
        assert_no_traceback(result)
        assert result.exit_code in (1, 2), (name, args, result.output)
        assert result.output.strip(), (name, args)  # validate reports its findings on stdout
        walked.append(name)
    assert len(walked) >= 8
    assert not (tmp_path / "absent").exists()


def test_every_command_says_when_the_database_is_down(app, tmp_path, monkeypatch):
    """Cron and operators get exit status 75 (try again later) from every command that needs
    the database, whatever it does first."""
    from questionnaire.cli import cli

    monkeypatch.setattr("werkzeug.serving.run_simple", lambda *args, **kwargs: None)
    (tmp_path / "items.csv").write_text("stem,option_a,option_b,correct\nQ ?,a,b,A\n")
    env = dict.fromkeys(COMMAND_ENVIRONMENT)
    env["QUESTIONNAIRE_INSTANCE_PATH"] = str(tmp_path / "instance")
    env["QUESTIONNAIRE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'absent' / 'base.db'}"
    for name, command in our_commands(app.cli):
        args = [*name.split(), *arguments(command, tmp_path, wrong=False)]
        result = CliRunner().invoke(cli, args, env=env)
        assert_no_traceback(result)
        if name in FILES_ONLY:
            continue
        assert result.exit_code == 75, (name, args, result.output)
        assert result.stderr.startswith("Base de données injoignable"), (name, result.stderr)


@pytest.mark.parametrize("command", ["validate", "load"])
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "slug: fiscal\ntitle: Fiscalit\xe9\n".encode("latin-1"),
            "lecture impossible : le fichier n'est pas en UTF-8 (ligne 2, colonne 16)",
        ),
        (
            bytes(range(256)),
            "lecture impossible : le fichier n'est pas en UTF-8 (ligne 2, colonne 118)",
        ),
    ],
)
def test_a_referential_not_in_utf8_is_refused_in_french(app, tmp_path, command, content, message):
    source = tmp_path / "referentiel.yaml"
    source.write_bytes(content)
    result = app.test_cli_runner().invoke(args=["referentials", command, str(source)])
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert f"referentiel.yaml: {message}" in result.stderr


@pytest.mark.parametrize("command", ["validate", "load"])
def test_an_unreadable_bank_file_is_named_in_french(app, tmp_path, command):
    latin = tmp_path / "fiscalite.yaml"
    latin.write_bytes("theme: fiscalite\ntitle: Fiscalit\xe9\n".encode("latin-1"))
    runner = app.test_cli_runner()
    for path, message in (
        (latin, "lecture impossible : le fichier n'est pas en UTF-8 (ligne 2, colonne 16)"),
        (tmp_path / "absent.yaml", "lecture impossible : fichier introuvable."),
    ):
        result = runner.invoke(args=["banks", command, str(path)])
        assert_no_traceback(result)
        assert result.exit_code == 1
        assert f"{path}: [erreur] file: {message}" in result.output
        assert "Errno" not in result.output and "codec" not in result.output


def test_a_session_id_past_the_database_integers_is_not_found(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["reports", "session", str(2**70), "-o", str(tmp_path / "r.pdf")]
    )
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == f"Session {2**70} introuvable.\n"


def test_a_demo_port_out_of_range_is_a_usage_error(app):
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve", "--port", "99999"])
    assert result.exit_code == 2
    assert "--port" in result.stderr


def test_a_failed_write_leaves_the_previous_file_whole(app, loaded_bank, tmp_path, monkeypatch):
    """A disk full half-way through an export: no half file, the previous export untouched."""
    loaded_bank()
    output = tmp_path / "export.csv"
    output.write_bytes(b"previous export")
    real_write = Path.write_bytes

    def half_then_full(self: Path, data: bytes) -> int:
        real_write(self, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", half_then_full)
    result = app.test_cli_runner().invoke(
        args=["banks", "export", "--theme", "fiscalite", "--format", "csv", "-o", str(output)]
    )
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Impossible d'écrire {output} : erreur du système (No space left on device).\n"
    )
    assert output.read_bytes() == b"previous export"
    assert [p.name for p in tmp_path.iterdir() if "export" in p.name] == ["export.csv"]


def command_env(tmp_path: Path, **environment: str) -> dict[str, str | None]:
    env: dict[str, str | None] = dict.fromkeys(COMMAND_ENVIRONMENT)
    env["QUESTIONNAIRE_INSTANCE_PATH"] = str(tmp_path / "instance")
    return {**env, **environment}


@pytest.mark.parametrize("config", ["development", "production"])
def test_a_defect_is_one_french_line_not_a_traceback(tmp_path, monkeypatch, config):
    """What no check foresaw (here a service failing) still reaches cron's mail as one line."""
    from questionnaire.cli import cli

    def broken(*args: object) -> int:
        raise RuntimeError("état imprévu\nsur deux lignes")

    monkeypatch.setattr("questionnaire.attempts.services.finalise_expired", broken)
    env = command_env(
        tmp_path,
        QUESTIONNAIRE_CONFIG=config,
        SECRET_KEY="s" * 40,
        QUESTIONNAIRE_DATABASE_URL=f"sqlite:///{tmp_path / 'base.db'}",
    )
    result = CliRunner().invoke(cli, ["attempts", "finalize-expired"], env=env)
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == (
        "Erreur interne (RuntimeError) : état imprévu. La commande a échoué sans terminer ; "
        "signalez-la (en développement, FLASK_DEBUG=1 affiche la trace).\n"
    )


def test_a_defect_keeps_its_traceback_in_debug_mode(tmp_path, monkeypatch):
    from questionnaire.cli import cli

    def broken(*args: object) -> int:
        raise RuntimeError("état imprévu")

    monkeypatch.setattr("questionnaire.attempts.services.finalise_expired", broken)
    env = command_env(tmp_path, FLASK_DEBUG="1")
    result = CliRunner().invoke(cli, ["attempts", "finalize-expired"], env=env)
    assert isinstance(result.exception, RuntimeError)


def test_the_console_script_itself_answers_bad_input_in_one_line(tmp_path):
    """The installed ``questionnaire`` script, as cron runs it (no test runner in between)."""
    import os
    import subprocess
    import sys

    script = Path(sys.executable).with_name("questionnaire")
    source = tmp_path / "referentiel.yaml"
    source.write_bytes("slug: x\ntitle: Fiscalit\xe9\n".encode("latin-1"))
    env = {k: v for k, v in os.environ.items() if k not in COMMAND_ENVIRONMENT}
    env |= {
        "QUESTIONNAIRE_INSTANCE_PATH": str(tmp_path / "instance"),
        "QUESTIONNAIRE_DATABASE_URL": f"sqlite:///{tmp_path / 'absent' / 'base.db'}",
    }
    for args, status, start in (
        (["referentials", "validate", str(source)], 1, "referentiel.yaml: lecture impossible"),
        (["reports", "session", str(2**70), "-o", "r.pdf"], 1, f"Session {2**70} introuvable."),
        (["reports", "session", "1", "-o", "r.pdf"], 75, "Base de données injoignable"),
        (["privacy", "purge"], 75, "Base de données injoignable"),
    ):
        done = subprocess.run(
            [str(script), *args], env=env, cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == status, done.stderr
        assert done.stderr.startswith(start) and "Traceback" not in done.stderr
    assert not (tmp_path / "absent").exists() and not (tmp_path / "r.pdf").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["banks", "import", "x.csv"], "option obligatoire manquante : '--theme'."),
        (["reports", "session", "abc", "-o", "r.pdf"],
         "valeur invalide pour 'SESSION_ID' : « abc » n'est pas un nombre entier."),
        (["demo", "--port", "99999"],
         "valeur invalide pour '--port' : 99999 est hors de l'intervalle 1<=x<=65535."),
        (["banks", "import", "absent.csv", "--theme", "x"],
         "valeur invalide pour 'FILE' : « absent.csv » n'existe pas."),
        (["banks", "export", "--theme", "x", "--format", "pdf", "-o", "x"],
         "valeur invalide pour '--format' : « pdf » n'est pas parmi "
         "'csv', 'gift', 'qti', 'qti3', 'xlsx', 'yaml'."),
        (["privacy", "purge", "--dry-rnn"],
         "option inconnue : '--dry-rnn' (voulez-vous dire '--dry-run' ?)"),
        (["privacy", "purge", "en-trop"], "argument(s) en trop : en-trop."),
        (["banks", "charger"], "commande inconnue : « charger »."),
        (["--bogus"], "option inconnue : '--bogus'."),
        (["--app"], "l'option --app demande une valeur."),
        (["db", "upgrade", "--bogus"], "option inconnue : '--bogus'."),
    ],
)  # fmt: skip
def test_usage_errors_are_in_french(tmp_path, monkeypatch, args, message):
    """click words its usage errors in English: the operator reads them in French, exit 2."""
    from questionnaire.cli import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.csv").write_text("stem\n")
    result = CliRunner().invoke(cli, args, env=command_env(tmp_path), prog_name="questionnaire")
    assert result.exit_code == 2
    assert result.stdout == ""
    usage, help_line, error = result.stderr.splitlines()
    assert usage.startswith("Usage : questionnaire ")
    assert help_line.startswith("Aide : questionnaire ") and help_line.endswith(" --help")
    assert error == f"Erreur : {message}"
