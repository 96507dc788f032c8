"""`NamedTuple` for the package's value types: typing.NamedTuple's class syntax and result, a third of the cost.

typing.NamedTuple checks every field's annotation as a type. Under `from __future__ import annotations`
each annotation is a string, so it makes a ForwardRef of each, and a ForwardRef compiles its string: a
class of eight fields costs ~220 µs, of which the namedtuple itself is ~85. The filter runs once per message
and defines ~60 of these classes while loading (~9 ms of its start-up). This base builds the same
collections.namedtuple from the class body — fields in annotation order, defaults from the values given,
methods, properties and the docstring copied onto it, the same errors for a default before a field without
one or a reserved name — and keeps the annotations as the strings they are. mypy reads typing's NamedTuple
here (its class syntax is special to the type checker), so type checking is unchanged.

The functional form (`NamedTuple("Name", [...])`) is not offered: the package does not use it.
"""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING, Any

__all__ = ["NamedTuple"]

# Attributes the namedtuple defines for itself: a class body may not replace them (as typing forbids).
_RESERVED = frozenset({"__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults",
                       "_make", "_replace", "_asdict", "_source"})
# Set by the class statement itself, or kept aside (the annotations), rather than copied from the body.
_NOT_COPIED = frozenset({"__module__", "__annotations__", "__classcell__"})

if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:

    class _ValueTupleType(type):
        """Turns `class X(NamedTuple): ...` into the namedtuple that class describes."""

        def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> type:
            if not bases:  # NamedTuple itself
                return super().__new__(mcs, name, bases, namespace)
            if bases != (NamedTuple,):
                raise TypeError("a NamedTuple class can only inherit from NamedTuple")
            annotations: dict[str, Any] = namespace.get("__annotations__", {})
            with_default: list[str] = []
            for field in annotations:
                if field in namespace:
                    with_default.append(field)
                elif with_default:
                    raise TypeError(f"field {field} without a default follows field(s) with one: "
                                    f"{', '.join(with_default)}")
            made = collections.namedtuple(name, list(annotations), defaults=[namespace[f] for f in with_default],
                                          module=namespace["__module__"])
            made.__annotations__ = dict(annotations)
            for key, value in namespace.items():
                if key in _RESERVED:
                    raise AttributeError(f"a NamedTuple class cannot set {key}")
                if key not in _NOT_COPIED and key not in annotations:
                    setattr(made, key, value)
            return made

    class NamedTuple(metaclass=_ValueTupleType):
        """Base for value types: `class Hop(NamedTuple): ip: str; port: int = 25`."""
