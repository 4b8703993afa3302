"""The rules for the changes inside a schema (the `extra.change` of `request-schema-changed`,
`response-schema-changed` and `parameter-type-changed`), part of the registry.

The same schema change rates differently for a schema the client sends (a request body
or parameter) and one it reads (a response): a new enum value breaks a reader, whose
generated Enum rejects it, and not a sender.
"""

from __future__ import annotations

from tools.drift.rule_model import (
    ALWAYS_BREAKING,
    ALWAYS_NON_BREAKING,
    BreakingWhen,
    Rating,
    SchemaRule,
    UnregisteredKindError,
    Way,
    fact_is,
)

# String formats openapi-python-client maps to their own Python type (datetime, date, File,
# UUID); any other format (int64, email, ...) leaves the type as it is.
TYPED_FORMATS = frozenset({"date-time", "date", "binary", "uuid"})
_TYPED_FORMAT = BreakingWhen(
    "either format is " + ", ".join(f"`{name}`" for name in sorted(TYPED_FORMATS)),
    lambda extra: bool({extra.get("old"), extra.get("new")} & TYPED_FORMATS),
)

SCHEMA_RULES: dict[str, SchemaRule] = {
    rule.change: rule
    for rule in (
        SchemaRule(
            "property-removed", ALWAYS_BREAKING, ALWAYS_BREAKING, "the model loses the attribute"
        ),
        SchemaRule(
            "property-added",
            BreakingWhen(
                'the new property is required (`extra.new: "required"`)',
                fact_is("new", "required"),
            ),
            ALWAYS_NON_BREAKING,
            "senders must fill a new required field; readers keep unknown fields in "
            "`additional_properties`",
        ),
        SchemaRule(
            "required-added",
            ALWAYS_BREAKING,
            ALWAYS_NON_BREAKING,
            "senders must now fill it; readers only get more certainty",
        ),
        SchemaRule(
            "required-removed",
            ALWAYS_NON_BREAKING,
            ALWAYS_BREAKING,
            "readers may now get `UNSET` where a value was promised",
        ),
        SchemaRule(
            "type-changed",
            ALWAYS_BREAKING,
            ALWAYS_BREAKING,
            "the generated Python type changes either way. `extra.old`/`extra.new`: the lists "
            "of JSON types, `[]` for any (`null` is `nullable-changed`); a text instead where "
            "the types are not the point: `oneOf of 16 variants` when the number of variants "
            "changed, the JSON of a schema that is not an object (`true`)",
        ),
        SchemaRule(
            "format-changed",
            _TYPED_FORMAT,
            _TYPED_FORMAT,
            "those formats give the attribute its own Python type (`datetime`, `date`, "
            "`File`, `UUID`); others (`int64`, `email`) do not change it",
        ),
        SchemaRule(
            "enum-value-added",
            ALWAYS_NON_BREAKING,
            ALWAYS_BREAKING,
            "a generated `Enum` class rejects a value it does not know, so a response may "
            "now fail to parse. `extra.new` lists the values; `extra.new: null` means the "
            "enum was dropped (any value)",
        ),
        SchemaRule(
            "enum-value-removed",
            ALWAYS_BREAKING,
            ALWAYS_NON_BREAKING,
            "a sender's value may now be refused; a reader just never sees it. `extra.old` "
            "lists the values; `extra.old: null` means the schema is newly restricted to "
            "`extra.new`",
        ),
        SchemaRule(
            "nullable-changed",
            BreakingWhen("it stops being nullable (`extra.new` false)", fact_is("new", False)),
            BreakingWhen("it becomes nullable (`extra.new` true)", fact_is("new", True)),
            "readers meet `None`; senders of `None` are refused. `extra.old`, `extra.new` "
            "(booleans)",
        ),
    )
}


def schema_rating(change: str, way: Way) -> Rating:
    """The rating of a schema change (`extra.change`) for a schema sent or read."""
    rule = SCHEMA_RULES.get(change)
    if rule is None:
        raise UnregisteredKindError(f"schema change {change!r} is not in SCHEMA_RULES")
    return rule.sent if way == "sent" else rule.read
