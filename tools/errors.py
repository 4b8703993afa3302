"""The one error type the pipeline raises for bad input.

Every `ToolError` message is a complete paragraph for a person: it names the file, the
place in it (line:col, JSON pointer, action index) and what to do. The CLI prints it and
exits 1; no traceback reaches the user.
"""


class ToolError(Exception):
    """Bad input or a failed step, with a message fit to print as it is."""


def describe(exc: BaseException) -> str:
    """`TypeError: message` for a message, or the bare type name: never "(TypeError: )"."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
