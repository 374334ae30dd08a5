"""YAML as people write it, read safely: every fault in a file is a YAMLError, never a crash.

PyYAML's safe constructors let a few values escape as ValueError (« 2026-02-30 », an integer
of more than 4,300 digits) and its pure-Python parser recurses once per nesting level (a few
kilobytes of « [ » exhaust the stack): these become YAML errors with their line, which the
callers already report in French (``parse_errors.yaml_error``).
"""

from __future__ import annotations

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

#: The problem of the YAML error raised for a document nested deeper than the parser goes.
TOO_DEEP = "document nested too deeply"


def _checked(construct, problem: str):
    """A constructor whose ValueError is a ConstructorError at the value's line."""

    def construct_checked(loader: SafeConstructor, node: yaml.Node):
        try:
            return construct(loader, node)
        except ValueError:
            raise ConstructorError(
                None, None, f"{problem} '{str(node.value)[:40]}'", node.start_mark
            ) from None

    return construct_checked


def _register(loader: type) -> type:
    loader.add_constructor(
        "tag:yaml.org,2002:int",
        _checked(SafeConstructor.construct_yaml_int, "found an integer too long"),
    )
    loader.add_constructor(
        "tag:yaml.org,2002:timestamp",
        _checked(SafeConstructor.construct_yaml_timestamp, "found an impossible date"),
    )
    return loader


@_register
class SafeLoader(yaml.SafeLoader):
    """The pure-Python safe loader (its messages are the ones ``parse_errors`` translates)."""


@_register
class FastSafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's safe loader when available (several times faster), the pure-Python one else."""


def load(text: str, loader: type = SafeLoader):
    """The document's data; YAMLError for anything wrong in the text."""
    try:
        return yaml.load(text, Loader=loader)
    except RecursionError:
        raise yaml.YAMLError(TOO_DEEP) from None


def compose(text: str, loader: type = SafeLoader) -> yaml.Node | None:
    """The document's node tree (with the line of each node); YAMLError as :func:`load`."""
    try:
        return yaml.compose(text, Loader=loader)
    except RecursionError:
        raise yaml.YAMLError(TOO_DEEP) from None
