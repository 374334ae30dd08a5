"""Users and their roles."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from questionnaire.db import value_enum
from questionnaire.extensions import db
from questionnaire.folding import folded
from questionnaire.roles import ROLE_LABELS, Role

__all__ = ["ROLE_LABELS", "Role", "User", "UserRole"]


#: ``User.sort_name``'s length: folding may lengthen a name (« œ » → « oe », a ligature's
#: compatibility decomposition), so the key is cut to the column (a sort needs no more)
SORT_NAME_LENGTH = 200


def sort_name_of(display_name: str | None) -> str:
    """The name as lists sort it: folded (`folded`), at most ``SORT_NAME_LENGTH`` characters."""
    return folded(display_name or "")[:SORT_NAME_LENGTH]


def _sort_name_of_row(context: DefaultExecutionContext) -> str:
    """A row inserted without the ORM (bulk inserts) gets its sort key all the same."""
    return sort_name_of(context.get_current_parameters().get("display_name"))


#: An e-mail address's length at most (RFC 5321), as stored: in lower case.
EMAIL_MAX_LENGTH = 254


class User(UserMixin, db.Model):
    """A person who logs in: candidate, author, reviewer, administrator or jury member."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    #: The display name as lists sort it (accents and case ignored: « Émilie » among the E,
    #: whatever the database's collation); kept by ``display_name``'s validator.
    sort_name: Mapped[str] = mapped_column(
        String(SORT_NAME_LENGTH), default=_sort_name_of_row, server_default="", index=True
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]
    #: Part of the login identifier kept in the session and remember-me cookies: raising it
    #: (logout, a new password) ends every session of the account, a copied cookie included.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The password was chosen by an administrator: its holder replaces it before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())

    role_links: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @validates("display_name")
    def _keep_sort_name(self, _key: str, name: str) -> str:
        self.sort_name = sort_name_of(name)
        return name

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(link.role for link in self.role_links)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login: what the cookies hold
        return f"{self.id}.{self.session_epoch}"

    def end_sessions(self) -> None:
        """Invalidate every session and remember-me cookie issued so far for this account."""
        self.session_epoch = (self.session_epoch or 0) + 1

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def has_any_role(self, roles: Iterable[Role]) -> bool:
        return not self.roles.isdisjoint(roles)

    def set_roles(self, roles: Iterable[Role]) -> None:
        wanted = set(roles)
        self.role_links = [link for link in self.role_links if link.role in wanted]
        present = {link.role for link in self.role_links}
        for role in sorted(wanted - present):
            self.role_links.append(UserRole(role=role))


class UserRole(db.Model):
    """One role held by one user."""

    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(
        value_enum(Role),
        primary_key=True,
    )
    user: Mapped[User] = relationship(back_populates="role_links")
