"""YAML from users, read without the ways a small file can eat the machine.

A 630-byte pack whose anchors each repeat the one before (``&a [*b, *b, ...]``, "billion
laughs") is a few nodes to the parser but billions to anything that walks the data, and a
100 MB pack took minutes and gigabytes. Packs, eval files and word lists need neither aliases
nor size, so :func:`load` refuses aliases, nesting deeper than :data:`MAX_DEPTH` and files over
:data:`MAX_YAML_BYTES`, each with the line to look at.
"""

from __future__ import annotations

from typing import Any

#: The largest YAML file read (the shipped packs are under 60 KB each).
MAX_YAML_BYTES = 2_000_000
#: Deeper nesting than any pack or eval file needs; also keeps recursive walks safe.
MAX_DEPTH = 64


class YamlRefused(ValueError):
    """A YAML document refused before it is built; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def check_size(size: int) -> None:
    if size > MAX_YAML_BYTES:
        raise YamlRefused(1, f"the file is {size / 1e6:.1f} MB; YAML files are read up to "
                             f"{MAX_YAML_BYTES / 1e6:g} MB")


def loader_class() -> Any:
    import yaml

    # libyaml's parser when PyYAML was built with it (ten times faster on the shipped packs).
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def check_node(root: Any) -> None:
    """Refuse a composed document that uses an alias or nests too deep. Walks each node once
    (an alias is a node met a second time), without recursion."""
    import yaml

    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            line = node.start_mark.line + 1
            raise YamlRefused(line, f"YAML aliases (*name) are not allowed here: the anchor at "
                              f"line {line} is used again; write the values out")
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise YamlRefused(node.start_mark.line + 1, f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += [(key, depth + 1), (value, depth + 1)]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(item, depth + 1) for item in node.value]


def compose(text: str) -> Any:
    """The document's node tree, checked (see :func:`check_node`); None for an empty one.
    Raises ``yaml.YAMLError`` for bad syntax, :class:`YamlRefused` for the rest."""
    check_size(len(text.encode("utf-8", "surrogatepass")))
    loader = loader_class()(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is not None:
        check_node(node)
    return node


def construct(node: Any) -> Any:
    """The Python value of a checked node tree."""
    if node is None:
        return None
    loader = loader_class()("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load(text: str) -> Any:
    """Like ``yaml.safe_load``, refusing aliases, deep nesting and oversized text."""
    return construct(compose(text))
