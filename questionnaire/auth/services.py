"""Accounts: creation, password hashing (argon2) and authentication."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from questionnaire.auth.models import EMAIL_MAX_LENGTH, Role, User, UserRole
from questionnaire.clock import current_time
from questionnaire.extensions import db

# A hash of a random password, verified when the e-mail is unknown so that timing does not
# tell which accounts exist.
_DUMMY_PASSWORD = "not-a-real-password-but-the-same-cost"


class AccountError(ValueError):
    """An account cannot be created as asked."""


class PasswordChangeError(ValueError):
    """A password change refused; ``field`` is the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


MIN_PASSWORD_LENGTH = 12

#: The session's last request (seconds since the epoch), for the idle timeout (``web``).
LAST_SEEN = "_seen"


#: Fewer different characters than this (« abababababab ») leave a few thousand guesses.
MIN_DISTINCT_CHARACTERS = 5
#: Runs an attacker tries first: the alphabet, the digits, and the letter rows of the AZERTY and
#: QWERTY keyboards read one after the other, each in both directions (NIST SP 800-63B 5.1.1.2).
RUNS = (
    "abcdefghijklmnopqrstuvwxyz",
    "1234567890",
    "azertyuiopqsdfghjklmwxcvbn",
    "qwertyuiopasdfghjklzxcvbnm",
)
#: Digits or signs added around a run (« azertyuiop12 », « !abcdefghijk ») still leave a run.
RUN_DECORATION = 4
GUESSABLE = (
    "Ce mot de passe est trop facile à deviner : il répète quelques caractères ou un court "
    "morceau, ou suit l'alphabet, les chiffres ou une rangée du clavier. Une phrase de "
    "plusieurs mots est facile à retenir et difficile à deviner."
)


def _is_run(text: str) -> bool:
    """The whole text is a stretch of one of ``RUNS``, either way, wrapping around."""
    for run in RUNS:
        for direction in (run, run[::-1]):
            if text in direction * (len(text) // len(direction) + 2):
                return True
    return False


#: A piece this short said again and again (« azertyazerty ») is one short password.
REPEATED_PIECE = 7


def _is_repeated(text: str) -> bool:
    """The text is one piece of ``REPEATED_PIECE`` characters at most, said twice or more."""
    return any(
        len(text) >= 2 * size and text == (text[:size] * (len(text) // size + 1))[: len(text)]
        for size in range(1, REPEATED_PIECE + 1)
    )


def _is_guessable(password: str) -> bool:
    lowered = password.casefold()
    if len(set(lowered)) < MIN_DISTINCT_CHARACTERS or _is_run(lowered) or _is_repeated(lowered):
        return True
    core = lowered.strip("0123456789" + "".join(ch for ch in lowered if not ch.isalnum()))
    return len(lowered) - len(core) <= RUN_DECORATION and len(core) >= 8 and _is_run(core)


def password_policy_error(password: str, email: str | None = None) -> str | None:
    """Why a new password is refused (the same rule for every way of setting one), or None.

    ``email``: the account's address, which the password must not contain (nor the part before
    the « @ », when it has 4 characters or more).
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Le mot de passe doit contenir au moins {MIN_PASSWORD_LENGTH} caractères."
    if _is_guessable(password):
        return GUESSABLE
    if email:
        local_part = normalise_email(email).partition("@")[0]
        said = password.casefold()
        if normalise_email(email) in said or (len(local_part) >= 4 and local_part in said):
            return "Le mot de passe ne doit pas contenir l'adresse électronique du compte."
    return None


def _hasher() -> PasswordHasher:
    return _hasher_for(*current_app.config["PASSWORD_HASH_PARAMS"])


def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


@functools.cache
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    """The dummy password's hash, computed once per cost: an unknown e-mail then costs one
    verification, like a wrong password (hashing it each time doubled the cost, and the delay
    told which accounts exist)."""
    return _hasher_for(time_cost, memory_cost, parallelism).hash(_DUMMY_PASSWORD)


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher().hash(password)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).scalar_one_or_none()


def create_user(
    email: str,
    password: str,
    display_name: str,
    roles: Iterable[Role],
    now: datetime,
    *,
    must_change_password: bool = False,
) -> User:
    """Create an account; refuses a duplicate e-mail or a short password.

    ``must_change_password``: the password was chosen by someone else (an administrator), and
    its holder replaces it at the first login.
    """
    email = normalise_email(email)
    if "@" not in email:
        raise AccountError("Adresse électronique invalide.")
    # checked once in lower case: a few letters lengthen (« İ » gives two characters), and the
    # column would then refuse the address (a server error on PostgreSQL)
    if len(email) > EMAIL_MAX_LENGTH:
        raise AccountError(
            f"Adresse électronique trop longue : {EMAIL_MAX_LENGTH} caractères au plus."
        )
    if (refused := password_policy_error(password, email)) is not None:
        raise AccountError(refused)
    if find_user_by_email(email) is not None:
        raise AccountError(f"Un compte existe déjà pour {email}.")
    user = User(
        email=email,
        display_name=display_name,
        password_hash=hash_password(password),
        created_at=now,
        must_change_password=must_change_password,
    )
    user.set_roles(roles)
    db.session.add(user)
    return user


def authenticate(email: str, password: str, now: datetime) -> User | None:
    """Return the active user with these credentials, or None (same cost either way)."""
    user = find_user_by_email(email or "")
    hasher = _hasher()
    if user is None or not user.active:
        dummy = _dummy_hash(*current_app.config["PASSWORD_HASH_PARAMS"])
        with contextlib.suppress(VerificationError):
            hasher.verify(dummy, password or "x")
        return None
    try:
        hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = now
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Replace the user's own password, once the current one is proved.

    Every other session of the account ends (a stolen cookie too); the caller logs the
    current browser in again. Refused, with the field to correct: a wrong current password,
    a new one that breaks the policy, is the current one, or is the e-mail address.
    """
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash, current or "")
    except (VerificationError, InvalidHashError):
        raise PasswordChangeError("current_password", "Mot de passe actuel incorrect.") from None
    if new == current:
        raise PasswordChangeError(
            "new_password", "Le nouveau mot de passe doit être différent de l'actuel."
        )
    if (refused := password_policy_error(new, user.email)) is not None:
        raise PasswordChangeError("new_password", refused)
    user.password_hash = hasher.hash(new)
    user.must_change_password = False
    user.end_sessions()


def log_in(user: User) -> None:
    """Sign the user in with a new CSRF token: one read or planted before the login is void.

    Flask-WTF makes a new token the next time one is asked for (the API's login response).
    The browser becomes a known device of the account (``security.limits``).
    """
    from questionnaire.security.limits import remember_device

    field_name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field_name, None)
    g.pop(field_name, None)  # the signed token cached for this request
    login_user(user)
    session[LAST_SEEN] = int(current_time().timestamp())
    remember_device(user.email)


def log_out_everywhere() -> None:
    """Log the current user out, ending every copy of their session (a stolen cookie too)."""
    current_user.end_sessions()
    db.session.commit()
    logout_user()


def jury_members() -> list[User]:
    """Active jury accounts, by name: who may be designated as an evaluator, seated at a
    deliberation or named to judge an Angoff panel."""
    return list(
        db.session.execute(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.JURY, User.active.is_(True))
            .order_by(User.sort_name, User.email)
        ).scalars()
    )
