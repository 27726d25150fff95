#!/usr/bin/env python3
"""Smoke test of the PrivX Python SDK against this vault (issue 14, "PrivX drop-in").

Every vault method the SDK has is called through the SDK itself (`privx_api.PrivXAPI`, vendored
beside this file from github.com/SSHcom/privx-sdk-for-python, see privx_api/README.txt), as a
PrivX user would call it. The list of methods is not written down here only: it is read from the
SDK (every PrivXAPI method whose code uses a `UrlEnum.VAULT` URL), and a method this script does
not exercise fails the run.

Prints one JSON line per call: {"method", "ok", "status", ...}, where "ok" says whether the
check passed (a read after a delete passes on 404). A method called more than once says which
call in "step". Reads print the data they got back, so a caller can compare it with what it sent
(the script compares too). The first line describes the run; the last one sums it up. Exits 0
when every check passed, 1 when one failed, 2 on bad arguments.

Usage:
  python3 smoke.py --url https://vault.example.com [--ca-file ca.pem] AUTH [options]

AUTH, one of:
  --api-client-id ID --api-client-secret S --oauth-client-id ID --oauth-client-secret S
      PrivX's own login: the SDK's `authenticate` (OAuth password grant on
      /auth/api/v1/oauth/token, as `npm start` serves it). Env: PRIVX_API_CLIENT_ID,
      PRIVX_API_CLIENT_SECRET, PRIVX_OAUTH_CLIENT_ID (default privx-external),
      PRIVX_OAUTH_CLIENT_SECRET.
  --token JWT
      A bearer token obtained elsewhere (e.g. Cognito on AWS, where no PrivX auth service
      exists), stored where the SDK keeps the token its login obtains. Env: VAULT_TOKEN.

Options:
  --url URL          env VAULT_URL. The SDK sends absolute paths (/vault/api/v1/...), so the
                     vault must be at the root of the host (no stage or base path in the URL).
                     The SDK speaks only HTTPS; for a plain-HTTP vault (`npm start`) this script
                     swaps the SDK's connection for an HTTP one and says so in its first line.
  --ca-file PEM      CA certificate(s) the SDK trusts (its `ca_cert`); env VAULT_CA_FILE;
                     default: the system's.
  --user-id ID       owner of the personal secrets; default: the token's `sub`.
  --role ROLE_ID     read and write role of the shared secrets (repeatable); default: the
                     token's `roles` claim.
  --data JSON        {"shared", "shared_updated", "personal", "personal_updated"}: the data
                     written (any key left out is generated); env VAULT_SMOKE_DATA.
Secrets are better passed in the environment than on the command line (which others may see).
"""

import argparse
import base64
import inspect
import json
import os
import secrets
import sys
import time
import uuid
from urllib.parse import urlsplit

# No __pycache__ folders beside the vendored SDK in the working tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import privx_api  # noqa: E402  (the vendored SDK, found through the path set above)
import privx_api.base  # noqa: E402

# Methods that are known not to work against this vault on purpose, with the reason. A failure of
# one of these is printed but does not fail the run; a failure of any other method does.
DELIBERATE_DIFFERENCES = {}


def sdk_vault_methods():
    """Every PrivXAPI method that calls a vault URL, read from the SDK's code."""
    return sorted(
        name
        for name, function in inspect.getmembers(privx_api.PrivXAPI, inspect.isfunction)
        if not name.startswith("_") and "UrlEnum.VAULT." in inspect.getsource(function)
    )


def emit(line):
    print(json.dumps(line, ensure_ascii=False), flush=True)


def token_claims(token):
    """The claims of a JWT, unverified (only to find the caller's own id and roles)."""
    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}


def generated_data(run_id, kind):
    """Secret data with what tends to break a round trip: non-ASCII, escapes, nesting, types."""
    return {
        "username": "py-sdk-" + kind + "-" + run_id,
        "password": secrets.token_urlsafe(24),
        "note": 'Grüße, 東京 & <b>"quoted"</b> \\ back\nslash ✓ 🔑',
        "port": 5432,
        "ratio": 0.25,
        "enabled": True,
        "nothing": None,
        "list": [1, "two", {"three": [3.5, False]}],
        "nested": {"deeper": {"kind": kind, "empty": {}, "none": []}}
    }


class Smoke:
    def __init__(self, api):
        self.api = api
        self.called = set()
        self.failures = []
        self.deliberate = []

    def check(self, method, call, verify, step=None, expect_status=None):
        """Calls `call()` (an SDK call), then `verify(response)`, which returns extra fields for
        the line or raises AssertionError. `expect_status` replaces the SDK's own ok."""
        self.called.add(method)
        line = {"method": method}
        if step:
            line["step"] = step
        response = None
        started = time.monotonic()
        try:
            response = call()
            line["ms"] = round((time.monotonic() - started) * 1000)
            line["status"] = int(response.status)
            line["sdk_ok"] = response.ok
            passed = response.ok if expect_status is None else response.status == expect_status
            if not passed:
                raise AssertionError(
                    "HTTP %s, expected %s: %s"
                    % (response.status, expect_status or "the SDK's expected status",
                       json.dumps(response.data, ensure_ascii=False)[:500])
                )
            line.update(verify(response) or {})
            line["ok"] = True
        except Exception as error:  # an SDK exception or a failed check: either fails the method
            line["ok"] = False
            line["error"] = "%s: %s" % (type(error).__name__, error)
            if method in DELIBERATE_DIFFERENCES:
                line["deliberate"] = DELIBERATE_DIFFERENCES[method]
                self.deliberate.append(method)
            else:
                self.failures.append(line["method"] + (" (" + step + ")" if step else ""))
        emit(line)
        return response if line["ok"] else None


def require(condition, message):
    if not condition:
        raise AssertionError(message)


def find_in_pages(first_page, fetch_page, name, limit=100):
    """Pages on through a listing with the SDK's offset/limit until `name` shows up."""
    offset, response = 0, first_page
    while True:
        require(response.ok, "page at offset %d: HTTP %s" % (offset, response.status))
        items = response.data.get("items", [])
        require(isinstance(response.data.get("count"), int), "no integer count")
        if any(item.get("name") == name for item in items):
            return offset
        if len(items) < limit:
            raise AssertionError("%s not listed (%d items read)" % (name, offset + len(items)))
        offset += limit
        response = fetch_page(offset, limit)


def parse_args():
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=env("VAULT_URL"))
    parser.add_argument("--ca-file", default=env("VAULT_CA_FILE"))
    parser.add_argument("--token", default=env("VAULT_TOKEN"))
    parser.add_argument("--api-client-id", default=env("PRIVX_API_CLIENT_ID"))
    parser.add_argument("--api-client-secret", default=env("PRIVX_API_CLIENT_SECRET"))
    parser.add_argument("--oauth-client-id", default=env("PRIVX_OAUTH_CLIENT_ID", "privx-external"))
    parser.add_argument("--oauth-client-secret", default=env("PRIVX_OAUTH_CLIENT_SECRET"))
    parser.add_argument("--user-id")
    parser.add_argument("--role", action="append", default=[])
    parser.add_argument("--data", default=env("VAULT_SMOKE_DATA", "{}"))
    args = parser.parse_args()
    if not args.url:
        parser.error("--url (or VAULT_URL) is required")
    login = args.api_client_id and args.api_client_secret and args.oauth_client_secret
    if not login and not args.token:
        parser.error("give the API client and OAuth client credentials, or --token (VAULT_TOKEN)")
    return args


def main():
    args = parse_args()
    url = urlsplit(args.url)
    if url.scheme not in ("http", "https") or not url.hostname:
        sys.exit("smoke.py: --url must be http(s)://host[:port]")
    if url.path not in ("", "/"):
        sys.exit(
            "smoke.py: the PrivX SDK sends absolute paths (/vault/api/v1/...), so the vault must be "
            "at the root of %s, not under %s" % (url.hostname, url.path)
        )
    if url.scheme == "http":
        # The SDK's only transport is HTTPS (base.Connection.connect); this is the one change.
        import http.client

        privx_api.base.Connection.connect = lambda self: http.client.HTTPConnection(
            self.host, port=self.port
        )
    ca_cert = None
    if args.ca_file:
        with open(args.ca_file, encoding="utf-8") as file:
            ca_cert = file.read()

    run_id = uuid.uuid4().hex[:12]
    given = json.loads(args.data)
    data = {
        kind: given.get(kind) or generated_data(run_id, kind)
        for kind in ("shared", "shared_updated", "personal", "personal_updated")
    }
    api = privx_api.PrivXAPI(
        url.hostname,
        url.port or (443 if url.scheme == "https" else 80),
        ca_cert,
        args.oauth_client_id,
        args.oauth_client_secret or "",
    )
    emit({
        "run": run_id,
        "sdk": "privx_api (github.com/SSHcom/privx-sdk-for-python)",
        "transport": url.scheme if url.scheme == "https" else "http (SDK connection swapped for HTTP)",
        "auth": "oauth password grant" if not args.token else "bearer token",
    })
    smoke = Smoke(api)

    # The status needs no login: the SDK calls it before authenticating.
    def status_ok(response):
        require(isinstance(response.data.get("status"), str), "no status field")
        return {"service_status": response.data["status"], "version": response.data.get("version")}

    smoke.check("get_vault_service_status", api.get_vault_service_status, status_ok)

    if args.token:
        # Where the SDK keeps what its login got (base._authenticate): the token, valid till the deadline.
        api._access_token = args.token
        api._re_auth_deadline = 2**62
    else:
        login_failed = []

        def login():
            try:
                api.authenticate(args.api_client_id, args.api_client_secret)
            except Exception as error:
                login_failed.append(error)

        login()
        line = {"method": "authenticate", "ok": not login_failed}
        if login_failed:
            line["error"] = "%s: %s" % (type(login_failed[0]).__name__, login_failed[0])
        else:
            line["expires_in"] = api._access_token_age
        emit(line)
        if login_failed:
            emit({"summary": "login failed", "ok": False, "failed": ["authenticate"]})
            return 1

    claims = token_claims(api._access_token)
    user_id = args.user_id or claims.get("sub")
    roles = args.role or claims.get("roles") or []
    if not user_id or not roles:
        sys.exit("smoke.py: pass --user-id and --role (the token does not name its sub and roles)")
    role_refs = [{"id": role} for role in roles]

    prefix = "py-sdk-smoke/" + run_id
    shared = prefix + "/a"
    shared_b = prefix + "/b"
    personal = "py-sdk-smoke-" + run_id + "-personal"

    smoke.check(
        "get_vault_schemas",
        api.get_vault_schemas,
        lambda r: require(isinstance(r.data, list), "schemas are not a list") or {"count": len(r.data)},
    )

    # ---- Shared secrets ----
    def created(name):
        def verify(response):
            require(response.data.get("name") == name, "created %r, answer names %r" % (name, response.data))
            return {"name": name}

        return verify

    def read_back(name, expected):
        def verify(response):
            got = response.data
            require(got.get("name") == name, "asked for %r, got %r" % (name, got.get("name")))
            require(got.get("data") == expected, "data read back differs from the data written")
            return {"name": name, "version": got.get("version"), "data": got.get("data")}

        return verify

    def metadata_only(name, roles_expected):
        def verify(response):
            got = response.data
            require(got.get("name") == name, "asked for %r, got %r" % (name, got.get("name")))
            require("data" not in got, "metadata carries the secret's data")
            if roles_expected:
                ids = sorted(role.get("id") for role in got.get("read_roles", []))
                require(ids == sorted(roles), "read_roles %r, expected %r" % (ids, roles))
            return {"name": name, "version": got.get("version"), "author": got.get("author")}

        return verify

    def gone(response):
        require(response.data.get("status") == 404, "SDK error shape: %r" % response.data)
        return {"details": response.data.get("details")}

    shared_body = {"name": shared, "read_roles": role_refs, "write_roles": role_refs, "data": data["shared"]}
    smoke.check("create_secret", lambda: api.create_secret(shared_body), created(shared))
    smoke.check(
        "create_secret",
        lambda: api.create_secret(
            {"name": shared_b, "read_roles": role_refs, "write_roles": role_refs, "data": {"peer": "b"}}
        ),
        created(shared_b),
        step="second secret, for sorting",
    )
    smoke.check("get_secret", lambda: api.get_secret(shared), read_back(shared, data["shared"]))
    smoke.check("get_secret_metadata", lambda: api.get_secret_metadata(shared), metadata_only(shared, True))
    smoke.check(
        "get_secrets",
        lambda: api.get_secrets(offset=0, limit=100),
        lambda r: {
            "count": r.data.get("count"),
            "found_at_offset": find_in_pages(r, lambda o, n: api.get_secrets(offset=o, limit=n), shared),
        },
    )

    def searched(response):
        names = [item.get("name") for item in response.data.get("items", [])]
        require(shared in names and shared_b in names, "%s and %s not both found: %r" % (shared, shared_b, names))
        require(personal in names or not personal_created, "own personal secret not found: %r" % names)
        require(names == sorted(names, reverse=True), "not sorted by name, descending: %r" % names)
        require(all("data" not in item for item in response.data["items"]), "search returned data")
        return {"count": response.data.get("count"), "names": names}

    smoke.check(
        "update_secret",
        lambda: api.update_secret(
            shared, {"read_roles": role_refs, "write_roles": role_refs, "data": data["shared_updated"]}
        ),
        lambda r: require(r.data.get("name") == shared, "answer %r" % r.data) or {"name": shared},
    )
    smoke.check(
        "get_secret",
        lambda: api.get_secret(shared),
        read_back(shared, data["shared_updated"]),
        step="after update",
    )

    # ---- Personal (user) secrets ----
    personal_created = smoke.check(
        "create_user_secret",
        # With roles, as the SDK's examples/create-user-secret.py sends them (an owner's secret still).
        lambda: api.create_user_secret(
            user_id,
            {"name": personal, "read_roles": role_refs, "write_roles": role_refs, "data": data["personal"]},
        ),
        created(personal),
    )
    smoke.check(
        "get_user_secret",
        lambda: api.get_user_secret(user_id, personal),
        read_back(personal, data["personal"]),
    )
    smoke.check(
        "get_user_secret_metadata",
        lambda: api.get_user_secret_metadata(user_id, personal),
        metadata_only(personal, False),
    )
    # The SDK's signature asks for a `name` its URL does not use (/user/{user_id}/secrets).
    smoke.check(
        "get_user_secrets",
        lambda: api.get_user_secrets(user_id, personal, offset=0, limit=100),
        lambda r: {
            "count": r.data.get("count"),
            "found_at_offset": find_in_pages(
                r, lambda o, n: api.get_user_secrets(user_id, personal, offset=o, limit=n), personal
            ),
        },
    )
    smoke.check(
        "search_secrets",
        lambda: api.search_secrets(
            offset=0, limit=50, sort_key="name", sort_dir="desc", search_payload={"keywords": run_id}
        ),
        searched,
    )
    smoke.check(
        "update_user_secret",
        lambda: api.update_user_secret(user_id, personal, {"data": data["personal_updated"]}),
        lambda r: require(r.data.get("name") == personal, "answer %r" % r.data) or {"name": personal},
    )
    smoke.check(
        "get_user_secret",
        lambda: api.get_user_secret(user_id, personal),
        read_back(personal, data["personal_updated"]),
        step="after update",
    )

    # ---- Deletes, each proven by a read that no longer finds the secret ----
    for name in (shared, shared_b):
        smoke.check(
            "delete_secret",
            lambda name=name: api.delete_secret(name),
            lambda r, name=name: require(r.data.get("name") == name, "answer %r" % r.data) or {"name": name},
            step=name[len(prefix) + 1:],
        )
    smoke.check("get_secret", lambda: api.get_secret(shared), gone, step="after delete", expect_status=404)
    smoke.check(
        "delete_user_secret",
        lambda: api.delete_user_secret(user_id, personal),
        lambda r: require(r.data.get("name") == personal, "answer %r" % r.data) or {"name": personal},
    )
    smoke.check(
        "get_user_secret",
        lambda: api.get_user_secret(user_id, personal),
        gone,
        step="after delete",
        expect_status=404,
    )

    # ---- Every vault method of the SDK was called ----
    methods = sdk_vault_methods()
    for method in methods:
        if method not in smoke.called:
            emit({"method": method, "ok": False, "error": "a vault method of the SDK that smoke.py does not call"})
            smoke.failures.append(method)
    emit({
        "summary": "%d SDK vault methods, %d failed checks" % (len(methods), len(smoke.failures)),
        "ok": not smoke.failures,
        "sdk_vault_methods": methods,
        "failed": smoke.failures,
        "deliberate_differences": smoke.deliberate,
    })
    return 1 if smoke.failures else 0


if __name__ == "__main__":
    sys.exit(main())
