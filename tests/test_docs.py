"""The documentation follows the code: the variables, commands, options and addresses that
README.md and docs/*.md name exist, and what the code reads or offers is documented."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from flask.cli import routes_command, run_command, shell_command
from flask_migrate.cli import db as migrate_group

from analytics.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PRODUCTION = ROOT / "docs" / "production.md"
# Read outside the application, by the test suite only.
TEST_VARIABLES = {
    "QUESTIONNAIRE_TEST_POSTGRES_URL",
    "QUESTIONNAIRE_TEST_SUITE_DATABASE_URL",
    "QUESTIONNAIRE_E2E_CHROMIUM",
}
# Flask's own commands and Flask-Migrate's, which app.cli does not hold.
BUILT_IN_COMMANDS = {
    "db": migrate_group,
    "run": run_command,
    "shell": shell_command,
    "routes": routes_command,
}
FILE_PATHS = ("/etc/", "/srv/", "/usr/", "/bin/", "/dev/", "/static/", "/tmp/", "/nonexistent")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _code(text: str) -> list[str]:
    """Inline code spans and the lines of fenced blocks, whitespace collapsed."""
    fenced = re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.S | re.M)
    outside = re.sub(r"^```[^\n]*\n.*?^```", "", text, flags=re.S | re.M)
    spans = [" ".join(span.split()) for span in re.findall(r"`([^`]+)`", outside)]
    return spans + [line for block in fenced for line in block.splitlines()]


def _variables_read_by_the_application() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "questionnaire").rglob("*.py"):
        names |= set(
            re.findall(
                r"(?:os\.environ\.get|environment_setting)\(\s*\"([A-Z0-9_]+)\"", _text(path)
            )
        )
    from questionnaire.config import ENVIRONMENT_SETTINGS

    return names | {name for name, _key, _cast in ENVIRONMENT_SETTINGS}


def test_every_variable_the_application_reads_is_in_production_md():
    production = _text(PRODUCTION)
    missing = sorted(
        name for name in _variables_read_by_the_application() if name not in production
    )
    assert not missing, f"variables lues par le code, absentes de docs/production.md : {missing}"


def test_every_variable_of_production_md_table_is_read():
    table = "\n".join(line for line in _text(PRODUCTION).splitlines() if line.startswith("| `"))
    documented = set(re.findall(r"`(QUESTIONNAIRE_[A-Z0-9_]+|SECRET_KEY)`", table))
    assert documented, "tableau des variables introuvable dans docs/production.md"
    unread = sorted(documented - _variables_read_by_the_application())
    assert not unread, (
        f"variables du tableau de docs/production.md que le code ne lit pas : {unread}"
    )


def test_every_questionnaire_variable_named_in_the_docs_exists():
    read = _variables_read_by_the_application() | TEST_VARIABLES
    unknown = {
        (path.name, name)
        for path in DOCS
        for name in re.findall(r"\bQUESTIONNAIRE_[A-Z0-9_]*[A-Z0-9]\b", _text(path))
        if name not in read
    }
    assert not unknown, (
        f"variables nommées par la documentation que rien ne lit : {sorted(unknown)}"
    )


def _command_lines() -> list[tuple[str, str]]:
    found = []
    for path in DOCS:
        for code in _code(_text(path)):
            for match in re.finditer(r"(?:^|[\s/])questionnaire((?: +[^\s&;#`]+)+)", code):
                found.append((path.name, match.group(1)))
    return found


def _tokens(words: str) -> list[str]:
    try:
        tokens = shlex.split(words)
    except ValueError:
        tokens = words.split()
    return [token.strip("[]") for token in tokens]


def _resolve(app, tokens: list[str]) -> tuple[click.Command | None, list[str], str]:
    """The command the words name, the words after it and the path walked."""
    words = list(tokens)
    while words and words[0] in {"--debug", "--no-debug"}:
        words.pop(0)
    if not words or not re.fullmatch(r"[a-z][a-z-]*", words[0]):
        return None, [], ""
    name = words.pop(0)
    ctx = click.Context(app.cli)
    command = app.cli.get_command(ctx, name) or BUILT_IN_COMMANDS.get(name)
    walked = name
    if command is None:
        return None, words, walked
    while isinstance(command, click.Group) and words and re.fullmatch(r"[a-z][a-z-]*", words[0]):
        sub = words.pop(0)
        walked += f" {sub}"
        command = command.get_command(ctx, sub)
        if command is None:
            return None, words, walked
    return command, words, walked


def test_every_documented_command_and_option_exists(app):
    problems = []
    for doc, words in _command_lines():
        tokens = _tokens(words)
        if tokens and not re.fullmatch(r"--?[a-z][a-z-]*|[a-z][a-z-]*", tokens[0]):
            continue  # « questionnaire … », a path, prose
        command, rest, walked = _resolve(app, tokens)
        if not walked:
            continue
        if command is None:
            problems.append(f"{doc} : commande inconnue « questionnaire {walked} »")
            continue
        options = {"--help"}
        choices: dict[str, set[str]] = {}
        for param in command.params:
            if isinstance(param, click.Option):
                options.update(param.opts + param.secondary_opts)
                if isinstance(param.type, click.Choice):
                    for opt in param.opts:
                        choices[opt] = set(param.type.choices)
        for index, token in enumerate(rest):
            if not re.fullmatch(r"--?[a-z][a-z-]*", token):
                continue
            if token not in options:
                problems.append(f"{doc} : option inconnue {token} de « questionnaire {walked} »")
                continue
            value = rest[index + 1] if index + 1 < len(rest) else ""
            if token in choices and re.fullmatch(r"[a-z0-9]+(\|[a-z0-9]+)*", value):
                wrong = set(value.split("|")) - choices[token]
                if wrong:
                    problems.append(
                        f"{doc} : « questionnaire {walked} {token} » n'accepte pas {sorted(wrong)}"
                    )
    assert not problems, "\n".join(problems)


def _leaf_commands(group: click.Group, prefix: str, ctx: click.Context) -> list[str]:
    leaves = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            leaves += _leaf_commands(command, f"{prefix}{name} ", ctx)
        else:
            leaves.append(f"{prefix}{name}")
    return leaves


def test_every_platform_command_is_in_the_readme_table(app):
    table = "\n".join(
        line
        for line in _text(ROOT / "README.md").splitlines()
        if line.startswith("| `questionnaire")
    )
    ctx = click.Context(app.cli)
    platform = [
        leaf
        for leaf in _leaf_commands(app.cli, "", ctx)
        # Flask-Limiter's maintenance commands, Flask-Migrate's own beside « db upgrade »
        if not leaf.startswith(("limiter ", "db ")) or leaf == "db upgrade"
    ]
    assert platform
    missing = [leaf for leaf in platform if f"`questionnaire {leaf}" not in table]
    assert not missing, f"commandes absentes du tableau « Commandes » du README : {missing}"


def test_every_documented_analytics_command_and_option_exists():
    parser = build_parser()
    subparsers = next(
        action for action in parser._actions if action.__class__.__name__ == "_SubParsersAction"
    )
    problems = []
    for path in DOCS:
        for code in _code(_text(path)):
            for match in re.finditer(r"python -m analytics((?: +[^\s&;#`>]+)*)", code):
                tokens = _tokens(match.group(1))
                if not tokens or tokens[0].startswith("-"):
                    continue
                sub = subparsers.choices.get(tokens[0])
                if sub is None:
                    if re.fullmatch(r"[a-z][a-z-]*", tokens[0]):
                        problems.append(f"{path.name} : sous-commande inconnue {tokens[0]}")
                    continue
                known = {opt for action in sub._actions for opt in action.option_strings}
                problems += [
                    f"{path.name} : option inconnue {token} de « python -m analytics {tokens[0]} »"
                    for token in tokens[1:]
                    if re.fullmatch(r"--?[a-z][a-z-]*", token) and token not in known
                ]
    assert not problems, "\n".join(problems)


def _pattern(rule: str) -> str:
    return re.sub(r"<[^>]+>|\{[^}]+\}", "<>", rule).rstrip("/") or "/"


@pytest.mark.parametrize("path", DOCS, ids=lambda path: path.name)
def test_every_documented_address_is_served(app, path):
    served = {_pattern(rule.rule) for rule in app.url_map.iter_rules()}
    unknown = []
    for code in _code(_text(path)):
        match = re.fullmatch(r"(?:(?:GET|POST|PUT|DELETE)(?:/(?:GET|POST))? +)?(/[^\s]*)", code)
        if not match or match.group(1).startswith(FILE_PATHS) or "…" in match.group(1):
            continue
        address = re.sub(r"\[[^\]]*\]$", "", match.group(1)).split("?")[0]
        candidates = {_pattern(address), _pattern("/api/v1" + address)}
        prefix = _pattern(address) + "/"  # a base such as /api/v1
        if not candidates & served and not any(rule.startswith(prefix) for rule in served):
            unknown.append(match.group(1))
    assert not unknown, f"adresses de {path.name} que l'application ne sert pas : {unknown}"


REPOSITORY_DIRECTORIES = (
    "questionnaire/",
    "analytics/",
    "tests/",
    "templates/",
    "migrations/",
    "benchmarks/",
    "docs/",
    "question_banks/",
    ".ci/",
)


@pytest.mark.parametrize("path", DOCS, ids=lambda path: path.name)
def test_every_file_and_link_the_docs_name_exists(path):
    text = _text(path)
    missing = []
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if not target.startswith(("http://", "https://", "mailto:")) and not (
            (path.parent / target).exists()
        ):
            missing.append(target)
    for code in re.findall(r"`([^`\s]+)`", text):
        name = code.rstrip(".,;:")
        if (
            name.startswith(REPOSITORY_DIRECTORIES)
            and not re.search(r"[<>{}*…]", name)
            and not (ROOT / name).exists()
            and not (ROOT / "templates" / name).exists()  # a template by its Jinja name
        ):
            missing.append(name)
    assert not missing, f"fichiers ou liens de {path.name} introuvables : {missing}"
