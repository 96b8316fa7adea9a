"""Read a scenario file: YAML (safe loader only) checked against :class:`~conformance.repro.schema.Scenario`.

A bad file is refused with :class:`ScenarioFileError`, one line per problem naming the file, the line and
the field (``scenario.yaml:14: steps[2].update.die.after_send: Input should be greater than or equal to
1``). Line numbers come from the YAML node tree composed before construction, so a pydantic error's
location maps back to where the value (or, for a missing field, its parent) was written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from conformance.repro.schema import Scenario

#: A scenario is a page of text; a file this big is not one (and YAML bombs are refused before parsing).
MAX_BYTES = 2_000_000


class ScenarioFileError(ValueError):
    """A scenario file that cannot be run, with every problem found (``problems``: one line each)."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(problems))


def _node_at(node: yaml.Node, loc: tuple[int | str, ...]) -> yaml.Node:
    """The deepest node of ``loc`` that exists in the composed document."""
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            child = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if child is None:
                key = next((k for k, _ in node.value if getattr(k, "value", None) == part), None)
                return key if key is not None else node
            node = child
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


def _field(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(the document)"


def load_scenario(path: str | Path) -> Scenario:
    """The scenario in ``path``, or :class:`ScenarioFileError` saying what is wrong and where."""
    source = Path(path)
    if not source.is_file():
        raise ScenarioFileError(source, [f"{source}: no such scenario file"])
    raw = source.read_bytes()
    if len(raw) > MAX_BYTES:
        raise ScenarioFileError(
            source, [f"{source}: {len(raw)} bytes; a scenario file is at most {MAX_BYTES}"]
        )
    try:
        text = raw.decode("utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        # SafeLoader: a tag that would build a Python object (!!python/object …) is refused, not run
        data: Any = yaml.SafeLoader(text).get_single_data()
    except UnicodeDecodeError as exc:
        raise ScenarioFileError(
            source, [f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start})"]
        ) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ScenarioFileError(source, [f"{source}{line}: not valid YAML: {exc.problem}"]) from exc
    if root is None or not isinstance(root, yaml.MappingNode):
        raise ScenarioFileError(
            source, [f"{source}:1: a scenario file is a YAML mapping (name:, steps:, expect:)"]
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            node = _node_at(root, loc)
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"{source}:{node.start_mark.line + 1}: {_field(loc)}: {message}")
        raise ScenarioFileError(source, problems) from exc
