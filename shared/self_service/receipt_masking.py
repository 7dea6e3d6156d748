"""回执脱敏: identity numbers and phones on a receipt are masked, like on every other screen.

Whoever holds a receipt code and 6 characters of a number would otherwise read the whole
number and every phone. The receipt shows `mask_id_number` (first 3, last 4) and `mask_phone`;
its correction form is filled with the same masks, and a mask sent back unchanged stands for
the number it hides (`restore_masked`), so nobody retypes a number they cannot see. A number
that was changed is new and is validated like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from shared.core.crypto import mask_id_number, mask_phone

MASKERS: dict[str, Callable[[str], str]] = {"id_number": mask_id_number, "phone": mask_phone}


def mask_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a payload with every identity number and phone masked, at any depth."""
    return {name: _masked(name, value) for name, value in payload.items()}


def _masked(name: str, value: Any) -> Any:
    if isinstance(value, Mapping):
        return mask_payload(value)
    if isinstance(value, list):
        return [_masked(name, entry) for entry in value]
    if name in MASKERS and isinstance(value, str) and value:
        return MASKERS[name](value)
    return value


def restore_masked(submitted: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """The correction form's values with each unchanged mask replaced by the stored value it
    hides. A mask is looked up among all stored values of its kind, not by position, so
    removing or reordering family members or tenants keeps the right numbers; two stored
    numbers with one mask are told apart by the position. Anything else is returned as sent."""
    by_mask: dict[tuple[str, str], set[str]] = {}
    for _, name, value in _leaves(stored, ""):
        if name in MASKERS:
            by_mask.setdefault((name, MASKERS[name](value)), set()).add(value)
    at_path = {path: value for path, _, value in _leaves(stored, "")}
    return _restore(submitted, "", by_mask, at_path)


def _restore(
    values: Mapping[str, Any], prefix: str, by_mask: dict[tuple[str, str], set[str]], at_path: dict[str, str]
) -> dict[str, Any]:
    restored: dict[str, Any] = {}
    for name, value in values.items():
        path = f"{prefix}.{name}" if prefix else name
        if isinstance(value, Mapping):
            restored[name] = _restore(value, path, by_mask, at_path)
        elif isinstance(value, list):
            restored[name] = [
                _restore(entry, f"{path}[{index}]", by_mask, at_path) if isinstance(entry, Mapping) else entry
                for index, entry in enumerate(value)
            ]
        elif name in MASKERS and isinstance(value, str):
            restored[name] = _unmasked(name, value.strip(), path, by_mask, at_path) or value
        else:
            restored[name] = value
    return restored


def _unmasked(
    name: str, value: str, path: str, by_mask: dict[tuple[str, str], set[str]], at_path: dict[str, str]
) -> str | None:
    candidates = by_mask.get((name, value), set())
    if len(candidates) == 1:
        return next(iter(candidates))
    if at_path.get(path) in candidates:
        return at_path[path]
    return None  # not a mask of ours (typed anew), or ambiguous: validated as typed


def _leaves(values: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, str, str]]:
    """(path, name, value) of every masked kind of string in a payload."""
    for name, value in values.items():
        path = f"{prefix}.{name}" if prefix else name
        if isinstance(value, Mapping):
            yield from _leaves(value, path)
        elif isinstance(value, list):
            for index, entry in enumerate(value):
                if isinstance(entry, Mapping):
                    yield from _leaves(entry, f"{path}[{index}]")
        elif name in MASKERS and isinstance(value, str) and value:
            yield path, name, value
