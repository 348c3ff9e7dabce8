#!/usr/bin/env python3
"""Checks OpenLineage run events (one JSON object a line) against the OpenLineage spec.

The spec's JSON Schemas are kept in tests/fixtures/openlineage (Apache-2.0, see LICENSE
there), so the check runs offline. Each event must be a valid RunEvent, and each facet it
carries must be valid against its own schema, named by its `_schemaURL`.
Usage: check_openlineage.py EVENTS.jsonl   (exit 1 and a message naming the line if not)
"""
import json
import pathlib
import sys

import jsonschema

try:  # jsonschema >= 4.18
    from referencing import Registry, Resource
except ImportError:  # older releases (Debian 12's 4.10) resolve $refs from a store
    Registry = None

SPEC = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "openlineage"


def registry():
    docs = {}
    for path in [SPEC / "OpenLineage.json", *sorted((SPEC / "facets").glob("*.json"))]:
        doc = json.loads(path.read_text())
        docs[doc["$id"]] = doc
    if Registry is None:
        return docs
    return Registry().with_resources((k, Resource.from_contents(v)) for k, v in docs.items())


def validator(reg, url):
    cls = jsonschema.Draft202012Validator
    if Registry is None:
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": url}
        resolver = jsonschema.RefResolver("", schema, store=reg)
        return cls(schema, resolver=resolver, format_checker=cls.FORMAT_CHECKER)
    return cls({"$ref": url}, registry=reg, format_checker=cls.FORMAT_CHECKER)


def facets(event):
    """Every facet object in the event: (where, facet)."""
    for where, holder in [("job", event.get("job", {})), ("run", event.get("run", {}))]:
        for name, f in holder.get("facets", {}).items():
            yield f"{where}.facets.{name}", f
    for side in ("inputs", "outputs"):
        for i, ds in enumerate(event.get(side, [])):
            for name, f in ds.get("facets", {}).items():
                yield f"{side}[{i}].facets.{name}", f


def main(path):
    reg = registry()
    lines = pathlib.Path(path).read_text().splitlines()
    if not lines:
        sys.exit(f"{path}: no events")
    errors = []
    for n, line in enumerate(lines, 1):
        event = json.loads(line)
        for e in validator(reg, event["schemaURL"]).iter_errors(event):
            errors.append(f"{path}:{n}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
        for where, f in facets(event):
            url = f.get("_schemaURL", "")
            if not url.startswith("https://openlineage.io/spec/facets/"):
                errors.append(f"{path}:{n}: {where}: not a spec facet: {url!r}")
                continue
            for e in validator(reg, url).iter_errors(f):
                errors.append(f"{path}:{n}: {where}/{'/'.join(map(str, e.absolute_path))}: {e.message}")
    if errors:
        sys.exit("\n".join(errors))
    print(f"{len(lines)} events valid against OpenLineage {json.loads((SPEC / 'OpenLineage.json').read_text())['$id']}")


if __name__ == "__main__":
    main(sys.argv[1])
