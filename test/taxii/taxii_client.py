"""A small command line over the OASIS TAXII 2.1 client library (taxii2client.v21, unmodified),
for the e2e tests to drive the bus's TAXII server the way an outside consumer would.

Every subcommand prints one JSON document on stdout and exits 0. On failure it prints nothing on
stdout, writes one JSON line {"error", "type", "http_status"?, "body"?} as the last line of
stderr and exits 1 (2 for a usage error, from argparse).

Authentication, on every subcommand: HTTP Basic with --user (the organisation id) and
--password (its token), or --bearer TOKEN (Authorization: Bearer), or neither (anonymous).

  discover  --url DISCOVERY_URL                server title, api roots, the first root's collections
  page      --url COLLECTION_URL --per-request N [--added-after TS] [--type T] [--max-pages M]
            every page of Get Objects through as_pages: {pages, page_sizes, more, objects}
  get       --url COLLECTION_URL --id ID [--version V]   Get an Object (the envelope)
  versions  --url COLLECTION_URL --id ID                 Get Object Versions (the resource)
  manifest  --url COLLECTION_URL [--per-request N]       Get Object Manifests (every page with N)
  add       --url COLLECTION_URL --file BUNDLE_JSON [--timeout S]
            Add Objects, then polls the status until complete: the final status
"""

import argparse
import json
import logging
import sys

import requests
from taxii2client.v21 import Collection, Server, as_pages


class BearerAuth(requests.auth.AuthBase):
    """Authorization: Bearer <token> (the library's own TokenAuth sends the "Token" scheme)."""

    def __init__(self, token):
        self.token = token

    def __call__(self, r):
        r.headers["Authorization"] = f"Bearer {self.token}"
        return r


class CliError(Exception):
    def __init__(self, message, **details):
        super().__init__(message)
        self.details = details


def auth_kwargs(args):
    if args.bearer is not None:
        if args.user is not None or args.password is not None:
            raise CliError("give either --bearer or --user/--password, not both")
        return {"auth": BearerAuth(args.bearer)}
    if (args.user is None) != (args.password is None):
        raise CliError("--user and --password go together")
    if args.user is not None:
        return {"user": args.user, "password": args.password}
    return {}


def collection_of(args):
    return Collection(args.url, **auth_kwargs(args))


def discover(args):
    server = Server(args.url, **auth_kwargs(args))
    roots = server.api_roots
    out = {
        "title": server.title,
        "description": server.description,
        "contact": server.contact,
        "default": server.default.url if server.default else None,
        "api_roots": [r.url for r in roots],
        "api_root": None,
    }
    if roots:
        root = roots[0]
        out["api_root"] = {
            "url": root.url,
            "title": root.title,
            "description": root.description,
            "versions": root.versions,
            "max_content_length": root.max_content_length,
            "collections": [
                {
                    "id": c.id,
                    "title": c.title,
                    "description": c.description,
                    "alias": c.alias,
                    "can_read": c.can_read,
                    "can_write": c.can_write,
                    "media_types": c.media_types,
                    "url": c.url,
                }
                for c in root.collections
            ],
        }
    return out


def pull_pages(func, per_request, max_pages, filters):
    pages = 0
    sizes = []
    objects = []
    last = {}
    for envelope in as_pages(func, per_request=per_request, **filters):
        pages += 1
        if pages > max_pages:
            raise CliError(f"more than {max_pages} pages: the server keeps answering more=true")
        page_objects = envelope.get("objects", [])
        sizes.append(len(page_objects))
        objects.extend(page_objects)
        last = envelope
    return {"pages": pages, "page_sizes": sizes, "more": bool(last.get("more", False)), "objects": objects}


def page(args):
    filters = {}
    if args.added_after:
        filters["added_after"] = args.added_after
    if args.type:
        filters["type"] = args.type
    return pull_pages(collection_of(args).get_objects, args.per_request, args.max_pages, filters)


def get(args):
    filters = {"version": args.version} if args.version else {}
    return collection_of(args).get_object(args.id, **filters)


def versions(args):
    return collection_of(args).object_versions(args.id)


def manifest(args):
    collection = collection_of(args)
    if args.per_request:
        return pull_pages(collection.get_manifest, args.per_request, args.max_pages, {})
    return collection.get_manifest()


def envelope_of(path):
    """A TAXII envelope from a file holding a STIX bundle, an envelope, or an array of objects."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if isinstance(data, list):
        return {"objects": data}
    if isinstance(data, dict) and data.get("type") == "bundle":
        return {"objects": data.get("objects", [])}
    if isinstance(data, dict) and isinstance(data.get("objects"), list):
        return data
    raise CliError(f"{path}: expected a STIX bundle, a TAXII envelope or a JSON array of objects")


def status_json(status):
    return {
        "id": status.id,
        "status": status.status,
        "request_timestamp": status.request_timestamp,
        "total_count": status.total_count,
        "success_count": status.success_count,
        "failure_count": status.failure_count,
        "pending_count": status.pending_count,
        "successes": status.successes,
        "failures": status.failures,
        "pendings": status.pendings,
        **status.custom_properties,
    }


def add(args):
    status = collection_of(args).add_objects(
        envelope_of(args.file),
        wait_for_completion=True,
        poll_interval=args.poll_interval,
        timeout=args.timeout,
    )
    out = status_json(status)
    if status.status != "complete":
        raise CliError(f"status {status.id} still {status.status} after {args.timeout} s", status=out)
    return out


def parser():
    p = argparse.ArgumentParser(
        prog="taxii_client.py",
        description="Drive a TAXII 2.1 server with the OASIS taxii2-client library; JSON out.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    def command(name, func, help_text, url_help):
        c = sub.add_parser(name, help=help_text, description=help_text)
        c.set_defaults(func=func)
        c.add_argument("--url", required=True, help=url_help)
        c.add_argument("--user", help="Basic auth user: the organisation id")
        c.add_argument("--password", help="Basic auth password: the organisation's token")
        c.add_argument("--bearer", metavar="TOKEN", help="send Authorization: Bearer TOKEN instead")
        return c

    collection_url = "the collection, e.g. <gateway>/taxii2/api/collections/indicators/"
    command("discover", discover, "server discovery, api roots, the first root's collections",
            "the discovery endpoint, e.g. <gateway>/taxii2/")
    c = command("page", page, "every page of Get Objects, through as_pages", collection_url)
    c.add_argument("--per-request", type=int, required=True, metavar="N", help="limit per request")
    c.add_argument("--added-after", metavar="TS", help="added_after filter (a STIX timestamp)")
    c.add_argument("--type", metavar="T", help="match[type] filter, e.g. indicator")
    c.add_argument("--max-pages", type=int, default=10_000, metavar="M", help="give up after M pages")
    c = command("get", get, "Get an Object", collection_url)
    c.add_argument("--id", required=True, help="the STIX id")
    c.add_argument("--version", metavar="V", help="match[version]: first, last, all or a timestamp")
    c = command("versions", versions, "Get Object Versions", collection_url)
    c.add_argument("--id", required=True, help="the STIX id")
    c = command("manifest", manifest, "Get Object Manifests", collection_url)
    c.add_argument("--per-request", type=int, metavar="N", help="pull every page, N per request")
    c.add_argument("--max-pages", type=int, default=10_000, metavar="M", help="give up after M pages")
    c = command("add", add, "Add Objects, then wait for the status to complete", collection_url)
    c.add_argument("--file", required=True, help="a STIX bundle, a TAXII envelope or a JSON array")
    c.add_argument("--timeout", type=float, default=60, metavar="S", help="seconds to wait (60)")
    c.add_argument("--poll-interval", type=float, default=0.5, metavar="S", help="seconds between polls")
    return p


def fail(exc):
    err = {"error": str(exc), "type": type(exc).__name__}
    if isinstance(exc, CliError):
        err.update(exc.details)
    response = getattr(exc, "response", None)
    if response is not None:
        err["http_status"] = response.status_code
        err["body"] = response.text[:4000]
    sys.stderr.write(json.dumps(err) + "\n")
    return 1


def main(argv=None):
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="taxii2client: %(message)s")
    args = parser().parse_args(argv)
    try:
        result = args.func(args)
    except Exception as exc:  # one JSON error line, whatever went wrong
        return fail(exc)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
