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


_MERGE = "tag:yaml.org,2002:merge"


def check_unique_keys(root: yaml.Node) -> None:
    """A ConstructorError at the second of two equal keys of one mapping: PyYAML keeps the last
    without a word (a second ``items:`` would drop every item above it)."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # an alias: its node is checked once
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[tuple[str, str], yaml.Node] = {}
            for key, _value in node.value:
                if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE:
                    continue
                if keys.setdefault((key.tag, key.value), key) is not key:
                    raise ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key '{str(key.value)[:40]}'",
                        key.start_mark,
                    )
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            continue
        stack.extend(reversed(children))  # document order: the first duplicate is reported


def _single_data(loader: SafeConstructor):
    node = loader.get_single_node()
    if node is None:
        return None
    check_unique_keys(node)
    return loader.construct_document(node)


def _register(loader: type) -> type:
    loader.get_single_data = _single_data
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
