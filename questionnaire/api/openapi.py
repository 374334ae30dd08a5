"""The OpenAPI 3 description of API v1, served at /api/v1/openapi.json."""

from __future__ import annotations

from flask import current_app, has_app_context

from questionnaire.config import Config


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json(schema_ref: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": schema_ref}}},
    }


CSRF = [{"cookieAuth": [], "csrfToken": []}]
COOKIE = [{"cookieAuth": []}]

SCHEMAS: dict = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string", "description": "Message en français"},
                    "details": {"type": "object"},
                },
            }
        },
    },
    # No NUL character anywhere in a request, nor half a UTF-16 surrogate pair in a JSON string
    # (``security.body_limits``: 400), and no member a body does not declare
    # (``api.helpers.json_body``: 422).
    "Text": {"type": "string", "pattern": "^[^\\u0000]*$"},
    "Credentials": {
        "type": "object",
        "required": ["email", "password"],
        "additionalProperties": False,
        "properties": {
            "email": {"$ref": "#/components/schemas/Text", "minLength": 1},
            "password": {"$ref": "#/components/schemas/Text", "minLength": 1},
        },
    },
    "User": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "email": {"type": "string"},
            "display_name": {"type": "string"},
            "must_change_password": {
                "type": "boolean",
                "description": "mot de passe fixé par un administrateur, à remplacer d'abord "
                "(page /mot-de-passe) : les autres appels répondent 403 d'ici là",
            },
            "roles": {
                "type": "array",
                "items": {
                    "type": "string",
                    "enum": ["admin", "author", "candidate", "jury", "reviewer"],
                },
            },
        },
    },
    "Login": {
        "type": "object",
        "required": ["csrf_token", "user"],
        "properties": {
            "csrf_token": {"type": "string"},
            "user": {"$ref": "#/components/schemas/User"},
        },
    },
    "Session": {
        "type": "object",
        "required": [
            "id",
            "title",
            "theme",
            "purpose",
            "opens_at",
            "closes_at",
            "duration_minutes",
            "incident_minutes",
            "item_count",
            "pass_mark",
        ],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "theme": {
                "type": "string",
                "description": "Slug du thème : fiscalite, risques, reglementation et rgpd pour "
                "les banques livrées ; une banque importée peut en apporter un autre",
            },
            "purpose": {
                "type": "string",
                "enum": ["certification", "training"],
                "description": "certification : la copie compte pour le bloc de compétences ; "
                "training : entraînement, sans effet sur la certification",
            },
            "opens_at": {"type": "string", "format": "date-time"},
            "closes_at": {"type": "string", "format": "date-time"},
            "duration_minutes": {"type": "integer"},
            "extra_time_percent": {"type": "integer"},
            "incident_minutes": {
                "type": "integer",
                "minimum": 0,
                "description": "Minutes accordées à toute la session après un incident (0 si "
                "aucune) : elles s'ajoutent à la durée de chaque copie, temps supplémentaire du "
                "candidat en plus",
            },
            "item_count": {"type": "integer"},
            "pass_mark": {"type": "number", "description": "Seuil de réussite (0.6 = 60 %)"},
        },
    },
    "Option": {
        "type": "object",
        "required": ["key", "text"],
        "properties": {"key": {"type": "string"}, "text": {"type": "string"}},
    },
    "AttemptItem": {
        "type": "object",
        "required": ["item_id", "position", "stem", "multiple", "options"],
        "properties": {
            "item_id": {"type": "string", "description": "Identifiant de l'item dans la banque"},
            "position": {"type": "integer"},
            "stem": {"type": "string", "description": "Énoncé (sous-ensemble HTML sûr)"},
            "multiple": {"type": "boolean"},
            "options": {"type": "array", "items": {"$ref": "#/components/schemas/Option"}},
            "flagged": {"type": "boolean"},
        },
    },
    "Result": {
        "type": "object",
        "properties": {
            "score": {"type": "integer"},
            "max_score": {"type": "integer"},
            "percent": {"type": "number"},
            "passed": {"type": "boolean"},
            "pass_mark": {"type": "number"},
            "topics": {"type": "array", "items": {"type": "object"}},
            "correction_released": {"type": "boolean"},
            "correction_withheld_for": {
                "type": "array",
                "items": {"type": "integer"},
                "description": "Sessions de certification du même thème que le candidat doit "
                "encore passer : le corrigé attend leur fin (même banque de questions)",
            },
            "correction": {
                "type": "array",
                "items": {"type": "object"},
                "description": "Présent une fois le corrigé publié",
            },
        },
    },
    "Attempt": {
        "type": "object",
        "required": ["attempt_id", "status", "deadline", "server_time", "items", "responses"],
        "properties": {
            "attempt_id": {"type": "integer"},
            "session_id": {"type": "integer"},
            "status": {"type": "string", "enum": ["in_progress", "submitted", "expired"]},
            "started_at": {"type": "string", "format": "date-time"},
            "deadline": {"type": "string", "format": "date-time"},
            "submitted_at": {"type": ["string", "null"], "format": "date-time"},
            "server_time": {"type": "string", "format": "date-time"},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/AttemptItem"}},
            "responses": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            "seqs": {"type": "object", "additionalProperties": {"type": "integer"}},
            "result": {"$ref": "#/components/schemas/Result"},
        },
    },
    "AttemptDeadline": {
        "type": "object",
        "required": ["attempt_id", "status", "deadline", "server_time"],
        "properties": {
            "attempt_id": {"type": "integer"},
            "status": {"type": "string", "enum": ["in_progress", "submitted", "expired"]},
            "deadline": {
                "type": "string",
                "format": "date-time",
                "description": "Échéance, temps accordé après un incident compris",
            },
            "server_time": {"type": "string", "format": "date-time"},
        },
    },
    "SaveRequest": {
        "type": "object",
        "required": ["selected", "seq"],
        "additionalProperties": False,
        "properties": {
            "selected": {"type": "array", "items": {"$ref": "#/components/schemas/Text"}},
            "seq": {"type": "integer", "minimum": 0, "maximum": 9007199254740991},
        },
    },
    "SaveAck": {
        "type": "object",
        "required": ["seq", "saved_at"],
        "properties": {
            "seq": {"type": "integer"},
            "saved_at": {"type": "string", "format": "date-time"},
            "applied": {"type": "boolean"},
        },
    },
    "FlagRequest": {
        "type": "object",
        "required": ["flagged"],
        "additionalProperties": False,
        "properties": {"flagged": {"type": "boolean"}},
    },
    "SubmitResult": {
        "type": "object",
        "required": ["score", "max_score", "percent", "passed", "pass_mark"],
        "properties": {
            "attempt_id": {"type": "integer"},
            "status": {"type": "string"},
            "score": {"type": "integer"},
            "max_score": {"type": "integer"},
            "percent": {"type": "number"},
            "passed": {"type": "boolean"},
            "pass_mark": {"type": "number"},
        },
    },
}

ATTEMPT_ID = {"name": "attempt_id", "in": "path", "required": True, "schema": {"type": "integer"}}
ITEM_ID = {
    "name": "item_id",
    "in": "path",
    "required": True,
    "schema": {"$ref": "#/components/schemas/Text"},
}


def _login_refused() -> dict:
    """The login lockout as this deployment configures it (``questionnaire.security.limits``);
    the defaults outside an application (the fuzz tests read the document at import)."""
    config = current_app.config if has_app_context() else vars(Config)
    response = _error_response(
        "Trop d'échecs de connexion (seuls les échecs comptent) : "
        f"{config['LOGIN_LOCKOUT_ATTEMPTS']} échecs en {config['LOGIN_LOCKOUT_MINUTES']} "
        "minutes pour ce compte depuis cette adresse IP (IPv6 : ce /64) le bloquent depuis "
        f"cette adresse seulement ; {config['LOGIN_ACCOUNT_CEILING']} échecs pour ce compte "
        "depuis toutes les adresses, dans la même fenêtre, le bloquent depuis partout ; au-delà "
        f"de « {config['LOGIN_FAILURES_PER_ADDRESS']} » échecs depuis une adresse, tous comptes "
        "confondus (depuis un centre d'examen déclaré : "
        f"« {config['LOGIN_CENTRE_FAILURES_PER_ADDRESS']} »), les connexions qui en viennent "
        "sont suspendues. Un navigateur où le compte s'est déjà connecté (cookie "
        "questionnaire_device) compte ses échecs à part, à la place de l'adresse, et échappe aux "
        "plafonds. Refusé même avec le bon mot "
        "de passe ; la même réponse pour une adresse électronique sans compte. error.message "
        "dit ce qui est bloqué, jusqu'à quelle heure (heure de Paris) et qu'un administrateur "
        "peut débloquer le compte."
    )
    response["headers"] = {
        "Retry-After": {
            "description": "Secondes avant qu'un nouvel essai soit accepté",
            "schema": {"type": "integer"},
        }
    }
    return response


# 403: the role, or an account whose password an administrator chose and whose holder has
# not replaced it yet (``password_change_required``: only /auth/me and /auth/logout answer).
ROLE_REFUSED = (
    "Rôle candidat requis (forbidden), ou mot de passe fixé par un administrateur à remplacer "
    "d'abord sur la page /mot-de-passe (password_change_required)"
)


#: Starting and handing in take no body (none, or ``{}``): a member is refused, not ignored.
NO_MEMBER = "Champ inconnu (unknown_fields) : cet appel ne prend aucun champ"


def _changes_state(*, body_limit: str | None = None) -> dict:
    """The refusals every state-changing call may answer: CSRF, role, and for a JSON body its
    media type and size (``body_limit``, as ``security.body_limits`` sets it)."""
    responses = {
        "400": _error_response(
            "Jeton X-CSRFToken absent ou invalide (csrf_failed)"
            + (", ou corps qui n'est pas un objet JSON (invalid_json)" if body_limit else "")
        ),
        "403": _error_response(ROLE_REFUSED),
    }
    if body_limit:
        responses["413"] = _error_response(f"Corps trop volumineux ({body_limit} au plus)")
        responses["415"] = _error_response("Corps non JSON")
    return responses


def openapi_document() -> dict:
    """The API description (OpenAPI 3.1).

    A call that needs a session answers 401 without one, before any CSRF check; a method the
    path does not serve answers 405 with the ``Allow`` header.
    """
    unauth = _error_response("Non connecté")
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "Questionnaires thématiques — API",
            "version": "1",
            "description": (
                "API des candidats. Les appels qui modifient l'état exigent l'en-tête X-CSRFToken "
                "(jeton renvoyé par /auth/login). Toute erreur est un JSON {error: {code, message}}."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "questionnaire_session"},
                "csrfToken": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            },
        },
        "paths": {
            "/auth/login": {
                "post": {
                    "summary": "Se connecter",
                    "security": [],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Credentials"}
                            }
                        },
                    },
                    "responses": {
                        "200": _json(
                            "#/components/schemas/Login", "Connecté ; cookie de session posé"
                        ),
                        "400": _error_response("Corps qui n'est pas un objet JSON"),
                        "401": _error_response("Identifiants incorrects"),
                        "415": _error_response("Corps non JSON"),
                        "422": _error_response("Champs manquants, vides ou inconnus"),
                        "413": _error_response("Corps trop volumineux (4 Kio au plus)"),
                        "429": _login_refused(),
                    },
                }
            },
            "/auth/me": {
                "get": {
                    "summary": "Utilisateur courant",
                    "security": COOKIE,
                    "responses": {
                        "200": _json("#/components/schemas/Login", "Utilisateur et jeton CSRF"),
                        "401": unauth,
                    },
                }
            },
            "/auth/logout": {
                "post": {
                    "summary": "Se déconnecter",
                    "security": CSRF,
                    "responses": {
                        "200": {"description": "Déconnecté"},
                        "400": _error_response("Jeton X-CSRFToken absent ou invalide"),
                        "401": unauth,
                    },
                }
            },
            "/sessions": {
                "get": {
                    "summary": "Sessions ouvertes auxquelles le candidat est inscrit, et celles "
                    "où sa copie reçoit encore des réponses après la clôture",
                    "security": COOKIE,
                    "responses": {
                        "200": {
                            "description": "Liste",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Session"},
                                    }
                                }
                            },
                        },
                        "401": unauth,
                        "403": _error_response(ROLE_REFUSED),
                    },
                }
            },
            "/sessions/{session_id}/attempt": {
                "post": {
                    "summary": "Commencer (201) ou reprendre (200) la copie",
                    "security": CSRF,
                    "parameters": [
                        {
                            "name": "session_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": _json("#/components/schemas/Attempt", "Copie reprise"),
                        "201": _json("#/components/schemas/Attempt", "Copie commencée"),
                        "401": unauth,
                        "404": _error_response("Non inscrit ou session inconnue"),
                        "409": _error_response("Session non ouverte"),
                        "422": _error_response(NO_MEMBER),
                        **_changes_state(body_limit="1 Kio"),
                    },
                }
            },
            "/attempts/{attempt_id}": {
                "get": {
                    "summary": "État de la copie (et résultat une fois remise)",
                    "security": COOKIE,
                    "parameters": [ATTEMPT_ID],
                    "responses": {
                        "200": _json("#/components/schemas/Attempt", "Copie"),
                        "401": unauth,
                        "403": _error_response(ROLE_REFUSED),
                        "404": _error_response("Copie introuvable"),
                    },
                }
            },
            "/attempts/{attempt_id}/deadline": {
                "get": {
                    "summary": "Statut et échéance de la copie, sans les questions (compte à "
                    "rebours de la page d'épreuve)",
                    "security": COOKIE,
                    "parameters": [ATTEMPT_ID],
                    "responses": {
                        "200": _json("#/components/schemas/AttemptDeadline", "Échéance"),
                        "401": unauth,
                        "403": _error_response(ROLE_REFUSED),
                        "404": _error_response("Copie introuvable"),
                    },
                }
            },
            "/attempts/{attempt_id}/responses/{item_id}": {
                "put": {
                    "summary": "Enregistrer une réponse (idempotent par numéro de séquence)",
                    "security": CSRF,
                    "parameters": [ATTEMPT_ID, ITEM_ID],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/SaveRequest"}
                            }
                        },
                    },
                    "responses": {
                        "200": _json(
                            "#/components/schemas/SaveAck",
                            "Enregistré (ou plus récent déjà enregistré)",
                        ),
                        "401": unauth,
                        "404": _error_response("Copie ou question introuvable"),
                        "409": _error_response("Temps écoulé ou copie remise"),
                        "422": _error_response(
                            "Clé inconnue ou plusieurs clés sur une question à réponse unique"
                        ),
                        **_changes_state(body_limit="16 Kio"),
                    },
                }
            },
            "/attempts/{attempt_id}/flags/{item_id}": {
                "put": {
                    "summary": "Marquer une question à revoir",
                    "security": CSRF,
                    "parameters": [ATTEMPT_ID, ITEM_ID],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/FlagRequest"}
                            }
                        },
                    },
                    "responses": {
                        "200": {"description": "Marque enregistrée"},
                        "401": unauth,
                        "404": _error_response("Introuvable"),
                        "409": _error_response("Copie close"),
                        "422": _error_response("Valeur invalide"),
                        **_changes_state(body_limit="1 Kio"),
                    },
                }
            },
            "/attempts/{attempt_id}/submit": {
                "post": {
                    "summary": "Remettre la copie (un second appel renvoie le même résultat)",
                    "security": CSRF,
                    "parameters": [ATTEMPT_ID],
                    "responses": {
                        "200": _json("#/components/schemas/SubmitResult", "Résultat"),
                        "401": unauth,
                        "404": _error_response("Copie introuvable"),
                        "422": _error_response(NO_MEMBER),
                        **_changes_state(body_limit="1 Kio"),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "Ce document (utilisateur connecté)",
                    "security": COOKIE,
                    "responses": {
                        "200": {"description": "OpenAPI 3"},
                        "401": unauth,
                        "403": _error_response(
                            "Mot de passe fixé par un administrateur à remplacer d'abord sur la "
                            "page /mot-de-passe (password_change_required)"
                        ),
                    },
                }
            },
        },
    }
    # any call may find the database out of reach for a moment (restart, failover, dropped
    # connections): 503 with Retry-After, to be sent again as it was
    for operations in document["paths"].values():
        for operation in operations.values():
            operation["responses"]["503"] = {
                **_error_response("Base de données momentanément injoignable : renvoyer"),
                "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
            }
    return document
