"""Typed record fields from loose values: one conversion behind command options, ``-T`` task
arguments and sweep files, so the three accept the same values and fail with the same errors.

A record class declares each field once (type, default, and in ``metadata`` its ``help`` and an
optional lower bound ``min``); :func:`check_fields`, called from the record's
``__post_init__``, converts every value to the declared type (``"3"`` to 3, ``"a,b"`` or a list
to a tuple) or raises :class:`FieldError` naming the field, what it must be and the value.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
from collections.abc import Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints


class FieldError(ValueError):
    """A value that does not fit its field; the message starts with the field's name."""


def field_types(cls: type) -> dict[str, Any]:
    """The resolved type of every field of the dataclass ``cls``."""
    return _type_hints(cls)


@functools.cache
def _type_hints(cls: Hashable) -> dict[str, Any]:
    return get_type_hints(cls)


def field_default(cls: type, name: str) -> Any:
    """The declared default of one field (the one place it is written)."""
    for item in dataclasses.fields(cls):
        if item.name == name:
            if item.default is not dataclasses.MISSING:
                return item.default
            if item.default_factory is not dataclasses.MISSING:
                return item.default_factory()
            raise KeyError(f"{cls.__name__}.{name} has no default")
    raise KeyError(f"{cls.__name__} has no field {name!r}")


def takes_list(hint: Any) -> bool:
    """Whether a field of type ``hint`` holds a list (``tuple[str, ...]``, optional or not)."""
    members = get_args(hint) if get_origin(hint) in (Union, types.UnionType) else (hint,)
    return any(get_origin(m) is tuple for m in members)


def describe(hint: Any) -> str:
    """What a value of type ``hint`` must be, in words (for error messages and help)."""
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        return " or ".join(describe(a) for a in args if a is not type(None))
    if origin is Literal:
        return "one of " + ", ".join(str(a) for a in args)
    if origin is tuple:
        return "a list of " + describe(args[0]).removeprefix("a ") + "s"
    if origin in (dict, Mapping) or hint in (dict, Mapping):
        return "a table of KEY = VALUE"
    return {
        bool: "true or false",
        int: "a whole number",
        float: "a number",
        str: "a non-empty string",
        Path: "a path",
    }.get(hint, str(hint))


def convert(hint: Any, value: object) -> object:
    """``value`` as type ``hint``; raises ``ValueError`` (without the field name) if it is not."""
    origin, args = get_origin(hint), get_args(hint)
    if hint is Any:
        return value
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        members = [a for a in args if a is not type(None)]
        if len(members) == 1:
            return convert(members[0], value)
        for member in members:
            try:
                return convert(member, value)
            except ValueError:
                continue
        raise ValueError(describe(hint))
    if origin is Literal:
        if value in args:
            return value
        raise ValueError(describe(hint))
    if origin is tuple:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            raise ValueError(describe(hint))
        converted = tuple(convert(args[0], v.strip() if isinstance(v, str) else v) for v in items)
        if not converted:
            raise ValueError("a non-empty list")
        repeated = sorted({str(v) for v in converted if converted.count(v) > 1})
        if repeated:
            raise ValueError(f"a list without repeats ({', '.join(repeated)} given twice)")
        return converted
    if origin in (dict, Mapping) or hint in (dict, Mapping):
        if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
            raise ValueError(describe(hint))
        value_type = args[1] if len(args) == 2 else Any
        return {k: convert(value_type, v) for k, v in value.items()}
    return _scalar(hint, value)


def _scalar(hint: Any, value: object) -> object:
    text = value.strip() if isinstance(value, str) else None
    if hint is bool:
        if isinstance(value, bool):
            return value
        if text is not None and text.lower() in ("true", "false"):
            return text.lower() == "true"
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if text is not None and text.lstrip("+-").isdigit():
            return int(text)
    elif hint is float:
        number = _number(text) if text is not None else value
        if (
            isinstance(number, int | float)
            and not isinstance(number, bool)
            and math.isfinite(number)
        ):
            return float(number)
    elif hint is str and text:
        return value
    elif hint is Path and (isinstance(value, Path) or text):
        return Path(str(value))
    raise ValueError(describe(hint))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def check_fields(record: Any) -> None:
    """Convert every field of the frozen dataclass ``record`` in place, or raise FieldError.

    A field's ``metadata["min"]`` is checked on numbers (``False`` passes: it means "off").
    """
    hints = field_types(type(record))
    for item in dataclasses.fields(record):
        value = getattr(record, item.name)
        try:
            converted = convert(hints[item.name], value)
        except ValueError as err:
            raise FieldError(f"{item.name}: must be {err}, got {value!r}") from None
        minimum = item.metadata.get("min")
        if (
            minimum is not None
            and isinstance(converted, int | float)
            and not isinstance(converted, bool)
            and converted < minimum
        ):
            raise FieldError(f"{item.name}: must be at least {minimum}, got {converted!r}")
        if converted is not value:
            object.__setattr__(record, item.name, converted)


def unknown_keys(cls: type, keys: Iterable[str]) -> list[str]:
    """Those of ``keys`` that are not fields of the dataclass ``cls``, sorted."""
    names = {item.name for item in dataclasses.fields(cls)}
    return sorted(str(k) for k in keys if k not in names)
