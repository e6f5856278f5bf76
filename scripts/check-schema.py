#!/usr/bin/env python3
"""Validate JSON documents against the JSON Schemas in schemas/.

Reads one JSON object from standard input:

    {"schema": "manifest" | "project" | "plan", "documents": [<JSON value>, ...]}

and prints one JSON line per document, in order:

    {"valid": true | false, "errors": ["<json pointer>: <message>", ...]}

The pointer is an RFC 6901 JSON Pointer into the document ("" is the document itself); errors are sorted by
pointer, then message. Validation uses jsonschema's Draft202012Validator against
schemas/<schema>.schema.json beside this script's folder. YAML is never parsed here: callers convert it to JSON.

Exit status: 0 when every document was checked (valid or not), 1 for a malformed request, 2 when the
jsonschema package cannot be imported.
"""

import json
import sys
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
SCHEMA_NAMES = ("manifest", "project", "plan")


def pointer(path):
    """The RFC 6901 JSON Pointer of a jsonschema error path."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def message(error):
    """jsonschema's message, except for a forbidden key (a `{"not": {}}` subschema), which it words as
    "'woman' should not be valid under {}"."""
    if error.validator == "not" and error.validator_value == {} and error.absolute_path:
        reason = error.schema.get("description") if isinstance(error.schema, dict) else None
        text = f"{error.absolute_path[-1]!r} is not allowed here"
        return f"{text}: {reason}" if reason else text
    return error.message


def fail(text, status):
    print(f"check-schema: {text}", file=sys.stderr)
    sys.exit(status)


def main():
    try:
        from jsonschema import Draft202012Validator
    except ImportError as error:
        fail(f"the Python package jsonschema is not importable ({error}); install it with "
             "`python3 -m pip install jsonschema`", 2)

    try:
        request = json.load(sys.stdin)
    except ValueError as error:
        fail(f"standard input is not JSON: {error}", 1)
    if not isinstance(request, dict):
        fail("standard input must be a JSON object with keys \"schema\" and \"documents\"", 1)
    name = request.get("schema")
    documents = request.get("documents")
    if name not in SCHEMA_NAMES:
        fail(f"\"schema\" must be one of {', '.join(SCHEMA_NAMES)}, not {json.dumps(name)}", 1)
    if not isinstance(documents, list):
        fail("\"documents\" must be a JSON array", 1)

    schema_path = SCHEMAS / f"{name}.schema.json"
    try:
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        fail(f"cannot read {schema_path}: {error}", 1)
    validator = Draft202012Validator(schema)

    for document in documents:
        errors = sorted(
            (pointer(error.absolute_path), message(error)) for error in validator.iter_errors(document)
        )
        result = {"valid": not errors, "errors": [f"{where}: {text}" for where, text in errors]}
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
