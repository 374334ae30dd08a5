"""Exam platform for the thematic questionnaires of the French banking certifications."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from questionnaire.config import Config, apply_environment, resolve_config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: str | type[Config] | dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, commands. No I/O on the database."""
    config_class, overrides = resolve_config(config)
    if not (ROOT / "templates").is_dir():
        raise RuntimeError(
            f"Gabarits introuvables dans {ROOT / 'templates'} : l'application s'exécute depuis "
            "une copie du dépôt, installée avec « pip install -e » (voir docs/production.md)."
        )
    instance_path = os.environ.get("QUESTIONNAIRE_INSTANCE_PATH") or str(ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    apply_environment(app.config, app.instance_path)
    app.json.sort_keys = False  # type: ignore[attr-defined]

    from questionnaire import errors, i18n, web
    from questionnaire.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    web.init_app(app)

    from questionnaire import (
        accessibility,
        admin,
        api,
        attempts,
        audit,
        auth,
        authoring,
        banks,
        certification,
        exams,
        exchange,
        incidents,
        itemstats,
        main,
        privacy,
        reports,
        security,
    )

    for module in (
        main,
        auth,
        banks,
        exams,
        attempts,
        api,
        accessibility,
        authoring,
        reports,
        security,
        audit,
        incidents,
        privacy,
        itemstats,
        certification,
        exchange,
        admin,
    ):
        app.register_blueprint(module.bp)

    from questionnaire.cli import register_commands

    register_commands(app)
    return app
