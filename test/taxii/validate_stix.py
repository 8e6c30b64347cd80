"""Validate STIX 2.1 objects with the OASIS stix2-validator library (used unmodified).

stdin:  a JSON array of STIX 2.1 objects (a bundle is accepted too: its objects are validated).
stdout: a JSON array, one entry per object, in input order:
        [{"id": ..., "valid": bool, "errors": [str, ...], "warnings": [str, ...]}]
Exit 0 when the input could be read (whatever the verdicts), 2 when it could not.

Strictness. Every "SHOULD" (best-practice) check the validator has is enabled and reported as an
error (strict=True), and so are strict_types and strict_properties: no custom object types and no
custom properties outside extension definitions. Exactly one check is left out:

  103 uuid-check: it wants UUIDv4 in the ids of domain, relationship and meta objects. The bus
  derives every id as a UUIDv5 from the aggregate's id in its own namespace (STIX_NAMESPACE in
  libs/identity/src/domain/stix.ts), so each export of a version is byte-for-byte the same object
  and TAXII consumers can deduplicate. The STIX 2.1 specification (Identifier) allows this: UUIDv4 is a SHOULD, and a
  producer that uses another version must pick a namespace that guarantees uniqueness (and not
  the one reserved for cyber observables, which ours is not). It is a deliberate design choice,
  not a defect the validator could make us fix.

Not enabled: `interop` (the STIX interoperability test profile's extra schemas; not a
requirement of the specification) and `enforce_refs` (meaningful only for a whole bundle; each
object here is validated alone, so references to objects outside the input are expected).
"""

import contextlib
import json
import sys

from stix2validator import ValidationOptions, validate_instance
from stix2validator.v21.shoulds import CHECKS

SKIPPED_CHECKS = {"uuid-check"}


def enabled_checks():
    """Names of every check in the validator's default set, minus SKIPPED_CHECKS.

    Passing `disabled=` instead would silently drop more: the validator's disabled-list code path
    never re-adds uuid-check, extension-description, extension-properties and several vocabulary
    checks. An explicit `enabled=` list runs exactly the checks named.
    """
    names = {id(fn): name for name, fn in CHECKS.items() if not isinstance(fn, list)}
    out = []
    for fn in CHECKS["all"]:
        name = names.get(id(fn))
        if name is None:
            raise SystemExit(f"validate_stix.py: no name for check {fn.__name__}")
        if name not in SKIPPED_CHECKS:
            out.append(name)
    return out


def options():
    return ValidationOptions(
        version="2.1",
        strict=True,
        strict_types=True,
        strict_properties=True,
        enabled=enabled_checks(),
        silent=True,
    )


def validate(obj, opts):
    oid = obj.get("id") if isinstance(obj, dict) else None
    try:
        result = validate_instance(obj, opts)
    except Exception as exc:  # the validator raises on input that is not a STIX object at all
        return {"id": oid, "valid": False, "errors": [f"{type(exc).__name__}: {exc}"], "warnings": []}
    return {
        "id": result.object_id or oid,
        "valid": bool(result.is_valid),
        "errors": [str(e) for e in result.errors],
        "warnings": [str(w) for w in (result.warnings or [])],
    }


def main():
    try:
        data = json.load(sys.stdin)
    except json.JSONDecodeError as exc:
        print(f"validate_stix.py: stdin is not JSON: {exc}", file=sys.stderr)
        return 2
    if isinstance(data, dict) and data.get("type") == "bundle":
        data = data.get("objects", [])
    if not isinstance(data, list):
        print("validate_stix.py: stdin must be a JSON array of STIX objects", file=sys.stderr)
        return 2
    opts = options()
    # The validator's own messages must not mix into the JSON on stdout.
    with contextlib.redirect_stdout(sys.stderr):
        results = [validate(obj, opts) for obj in data]
    json.dump(results, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
