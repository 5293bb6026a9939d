"""Validation against NIST's official OSCAL JSON Schemas, read from WORKBENCH_NIST_DIR (the
project never copies NIST files). The schemas' patterns use \\p{L} and \\p{N}, which Python's
`re` does not know: patterns are checked with the `regex` package instead."""

import json
from functools import cache
from pathlib import Path
from typing import Any

import regex
from django.conf import settings
from jsonschema import Draft7Validator, ValidationError, validators

SCHEMA_FILES = {
    "system-security-plan": "oscal_ssp_schema.json",
    "assessment-results": "oscal_assessment-results_schema.json",
    "plan-of-action-and-milestones": "oscal_poam_schema.json",
}
VERSIONS = ("1.2.1", "1.1.3")


@cache
def _compiled(pattern: str):
    return regex.compile(pattern)


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


OscalValidator = validators.extend(Draft7Validator, {"pattern": _pattern})


def schema_path(model: str, version: str, nist_dir: Path | None = None) -> Path:
    folder = Path(nist_dir or settings.WORKBENCH_NIST_DIR) / "oscal-schemas" / f"v{version}"
    return folder / SCHEMA_FILES[model]


@cache
def _validator(path: Path) -> Draft7Validator:
    return OscalValidator(json.loads(path.read_text()))


def oscal_errors(
    document: dict[str, Any],
    *,
    version: str = VERSIONS[0],
    nist_dir: Path | None = None,
    limit: int = 20,
) -> list[str]:
    """The schema errors of an OSCAL document (its root key names the model), as readable
    lines "path: message"; empty when it is valid."""
    (model,) = document.keys()
    errors = []
    for error in _validator(schema_path(model, version, nist_dir)).iter_errors(document):
        # anyOf/oneOf errors say little; their deepest cause says where it fails.
        best = error
        while best.context:
            best = min(best.context, key=lambda item: len(item.context))
        where = "/".join(str(part) for part in best.absolute_path) or "(root)"
        errors.append(f"{where}: {best.message[:300]}")
        if len(errors) >= limit:
            break
    return errors
