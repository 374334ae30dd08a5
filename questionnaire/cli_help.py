"""The ``questionnaire`` command's help in French, Flask's, Flask-Migrate's and Flask-Limiter's
commands included: their descriptions through a table, click's own words (« Usage : »,
headings, the ``--help`` option) through the help formatter. An English text the table does not
know (a new option after an upgrade) stays as it is; tests/test_cli.py walks the whole tree."""

from __future__ import annotations

import inspect

import click

# English (whitespace normalised, as ``inspect.cleandoc`` leaves a docstring) -> French
HELP_TEXTS = {
    # Flask's group options and commands
    "Load environment variables from this file, taking precedence over those set by '.env' and "
    "'.flaskenv'. Variables set directly in the environment take highest precedence. "
    "python-dotenv must be installed.": "Charge les variables d'environnement de ce fichier, "
    "avant celles de « .env » et « .flaskenv » ; celles de l'environnement l'emportent "
    "(python-dotenv requis).",
    "The Flask application or factory function to load, in the form 'module:name'. Module can "
    "be a dotted import or file path. Name is not required if it is 'app', 'application', "
    "'create_app', or 'make_app', and can be 'name(args)' to pass arguments.": "L'application "
    "Flask ou sa fabrique, sous la forme « module:nom » (par défaut celle de la plateforme).",
    "Set debug mode.": "Mode débogage (développement seulement).",
    "Show the Flask version.": "Affiche la version de Flask.",
    "Run a local development server.": "Serveur de développement local (jamais en production : "
    "gunicorn, voir docs/production.md).",
    "Run a development server.": "Serveur de développement local.",
    "The interface to bind to.": "Interface d'écoute.",
    "The port to bind to.": "Port d'écoute.",
    "Specify a certificate file to use HTTPS.": "Certificat pour servir en HTTPS.",
    "The key file to use when specifying a certificate.": "Clé privée du certificat.",
    "Enable or disable the reloader. By default the reloader is active if debug is enabled.": (
        "Recharge le code modifié (par défaut en mode débogage)."
    ),
    "Enable or disable the debugger. By default the debugger is active if debug is enabled.": (
        "Débogueur interactif (par défaut en mode débogage)."
    ),
    "Enable or disable multithreading.": "Plusieurs fils d'exécution.",
    "Extra files that trigger a reload on change. Multiple paths are separated by ':'.": (
        "Autres fichiers dont la modification recharge le serveur (séparés par « : »)."
    ),
    "Files matching these fnmatch patterns will not trigger a reload on change. Multiple "
    "patterns are separated by ':'.": "Motifs (fnmatch) des fichiers dont la modification ne "
    "recharge pas le serveur (séparés par « : »).",
    "Run a shell in the app context.": "Console Python dans le contexte de l'application.",
    "Run an interactive Python shell in the context of a given Flask application. The "
    "application will populate the default namespace of this shell according to its "
    "configuration.": "Console Python interactive dans le contexte de l'application.",
    "Show the routes for the app.": "Liste les routes de l'application.",
    "Show all registered routes with endpoints and methods.": (
        "Liste les routes de l'application, avec leur vue et leurs méthodes."
    ),
    "Method to sort routes by. 'match' is the order that Flask will match routes when "
    "dispatching a request.": "Ordre de la liste (« match » : l'ordre dans lequel Flask "
    "essaie les routes).",
    "Show HEAD and OPTIONS methods.": "Montre aussi les méthodes HEAD et OPTIONS.",
    # Flask-Migrate
    "Perform database migrations.": "Migrations du schéma de la base (Alembic).",
    'Migration script directory (default is "migrations")': (
        "Dossier des migrations (par défaut « migrations »)."
    ),
    "Additional arguments consumed by custom env.py scripts": (
        "Argument supplémentaire transmis à env.py."
    ),
    "List available templates.": "Liste les modèles de dépôt de migrations.",
    "Creates a new migration repository.": "Crée un dépôt de migrations (déjà fait ici).",
    "Support multiple databases": "Plusieurs bases.",
    'Repository template to use (default is "flask")': "Modèle de dépôt (par défaut « flask »).",
    "Write empty __init__.py files to the environment and version locations": (
        "Écrit des fichiers __init__.py vides dans les dossiers de migrations."
    ),
    "Create a new revision file.": "Crée un fichier de migration.",
    "Revision message": "Description de la migration.",
    "Populate revision script with candidate migration operations, based on comparison of "
    "database to model": "Remplit la migration par comparaison de la base et des modèles (à "
    "relire à la main).",
    "Don't emit SQL to database - dump to standard output instead": (
        "N'exécute pas le SQL : l'écrit sur la sortie standard."
    ),
    "Specify head revision or <branchname>@head to base new revision on": (
        "Révision (ou <branche>@head) sur laquelle fonder la nouvelle."
    ),
    'Allow a non-head revision as the "head" to splice onto': (
        "Permet de greffer sur une révision qui n'est pas une tête."
    ),
    "Specify a branch label to apply to the new revision": "Étiquette de branche de la révision.",
    "Specify specific path from config for version file": "Dossier du fichier de migration.",
    "Specify a hardcoded revision id instead of generating one": (
        "Identifiant de révision imposé au lieu d'un identifiant généré."
    ),
    "Autogenerate a new revision file (Alias for 'revision --autogenerate')": (
        "Crée une migration par comparaison (revision --autogenerate), à relire à la main."
    ),
    "Edit a revision file": "Ouvre un fichier de migration dans l'éditeur.",
    "Merge two revisions together, creating a new revision file": (
        "Fusionne deux révisions dans une nouvelle migration."
    ),
    "Merge revision message": "Description de la fusion.",
    "Upgrade to a later version": "Met le schéma à jour (à lancer après chaque mise à jour).",
    'Arbitrary "tag" name - can be used by custom env.py scripts': (
        "Étiquette libre transmise à env.py."
    ),
    "Revert to a previous version": "Revient à une version antérieure du schéma.",
    "Show the revision denoted by the given symbol.": "Montre la révision désignée.",
    "List changeset scripts in chronological order.": "Historique des migrations, dans l'ordre.",
    "Specify a revision range; format is [start]:[end]": "Plage de révisions : [début]:[fin].",
    "Use more verbose output": "Sortie détaillée.",
    "Indicate current version (Alembic 0.9.9 or greater is required)": (
        "Signale la version actuelle de la base."
    ),
    "Show current available heads in the script directory": "Montre les têtes des migrations.",
    "Treat dependency versions as down revisions": (
        "Traite les dépendances comme des révisions précédentes."
    ),
    "Show current branch points": "Montre les points de branchement.",
    "Display the current revision for each database.": "Montre la révision actuelle de la base.",
    "'stamp' the revision table with the given revision; don't run any migrations": (
        "Inscrit une révision dans la base sans lancer de migration."
    ),
    "Delete the version in the alembic_version table before stamping": (
        "Efface la version inscrite avant d'inscrire la nouvelle."
    ),
    "Check if there are any new operations to migrate": (
        "Vérifie que les modèles n'appellent aucune nouvelle migration."
    ),
    # Flask-Limiter
    "Flask-Limiter maintenance & utility commands": (
        "Limitation de débit (connexions) : configuration et remise à zéro."
    ),
    "View the extension configuration": "Montre la configuration de la limitation.",
    "Enumerate details about all routes with rate limits": "Liste les routes limitées.",
    "Endpoint to filter by": "Seulement cette vue.",
    "Path to filter by": "Seulement ce chemin.",
    "HTTP Method to filter by": "Seulement cette méthode HTTP.",
    "Test the limit": "Clé dont tester la limite.",
    "Create a live dashboard": "Tableau de bord en direct.",
    "Clear limits for a specific key": "Remet à zéro les limites d'une clé.",
    "Key to reset the limits for": "Clé dont remettre les limites à zéro.",
    "Skip prompt for confirmation": "Sans demande de confirmation.",
}

# click's own words, passed through its gettext calls
CLICK_WORDS = {
    "Options": "Options",
    "Commands": "Commandes",
    "Arguments": "Arguments",
    "Show this message and exit.": "Affiche cette aide et quitte.",
}


EXTRAS = (
    ("default: ", "par défaut : "),
    ("env var: ", "variable : "),
    ("required", "obligatoire"),
    ("; ", " ; "),
)


def _french(text: str | None) -> str | None:
    if not text:
        return text
    english = " ".join(inspect.cleandoc(text).split())
    if english in HELP_TEXTS:
        return HELP_TEXTS[english]
    # a docstring's first paragraph (Flask's run and shell go on in English)
    first = " ".join(inspect.cleandoc(text).split("\n\n")[0].split())
    return HELP_TEXTS.get(first, text)


class FrenchHelpFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Usage : " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{CLICK_WORDS.get(heading, heading)} :\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(term, _extras(CLICK_WORDS.get(text, text))) for term, text in rows]
        super().write_dl(rows, col_max, col_spacing)


def _extras(text: str) -> str:
    """click's bracketed notes after an option's help: ``[default: 5000; required]``."""
    head, bracket, notes = text.rpartition("  [")
    if not bracket or not notes.endswith("]"):
        return text
    for english, french in EXTRAS:
        notes = notes.replace(english, french)
    return f"{head}  [{notes}"


class FrenchContext(click.Context):
    formatter_class = FrenchHelpFormatter


def describe_in_french(command: click.Command) -> None:
    """Give ``command`` and everything under it French descriptions and click words."""
    command.context_class = FrenchContext
    command.help = _french(command.help)
    command.short_help = _french(command.short_help)
    for param in command.params:
        if isinstance(param, click.Option):
            param.help = _french(param.help)
    for sub in getattr(command, "commands", {}).values():
        describe_in_french(sub)
