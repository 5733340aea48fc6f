#!/usr/bin/env python3
"""An independent OAuth 2.0 client, in Python with Authlib (Debian's python3-authlib),
driving a running Wagmix Auth as any API client would: discovery (RFC 8414), client
credentials with client_secret_basic and client_secret_post (RFC 6749 4.4), offline
validation of the RFC 9068 JWT against the JWKS with authlib.jose, a bearer call,
introspection (RFC 7662) and revocation (RFC 7009).

Credentials come from the environment, never from argv (visible to every process):
  WAGMIX_BASE_URL, WAGMIX_CLIENT_ID, WAGMIX_CLIENT_SECRET (an account key),
  WAGMIX_ADMIN_ID, WAGMIX_ADMIN_SECRET (an admin key).
Prints one JSON object of results on stdout; no token or secret is printed.
test/e2e/interop.e2e-spec.ts runs it and asserts on the result.
"""
import json
import os
import sys

import authlib
import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt

BASE = os.environ["WAGMIX_BASE_URL"].rstrip("/")
CLIENT_ID = os.environ["WAGMIX_CLIENT_ID"]
CLIENT_SECRET = os.environ["WAGMIX_CLIENT_SECRET"]
ADMIN_ID = os.environ["WAGMIX_ADMIN_ID"]
ADMIN_SECRET = os.environ["WAGMIX_ADMIN_SECRET"]


def session(client_id, secret, method, scope=None):
    # The same method for the token, introspection and revocation endpoints, as a client would configure it.
    return OAuth2Session(
        client_id,
        secret,
        scope=scope,
        token_endpoint_auth_method=method,
        revocation_endpoint_auth_method=method,
    )


def verify(access_token, metadata, key_set, audience):
    """Offline validation as a resource server does it: signature by kid, typ, iss, aud, exp/nbf."""
    header = json.loads(jwt_segment(access_token, 0))
    claims = jwt.decode(
        access_token,
        key_set,
        claims_options={
            "iss": {"essential": True, "value": metadata["issuer"]},
            "aud": {"essential": True, "value": audience},
            "exp": {"essential": True},
            "sub": {"essential": True},
        },
    )
    claims.validate(leeway=5)
    return {"header": header, "claims": dict(claims)}


def jwt_segment(token, index):
    import base64

    part = token.split(".")[index]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode("utf-8")


def token_summary(token):
    return {
        "token_type": token.get("token_type"),
        "expires_in": token.get("expires_in"),
        "scope": token.get("scope"),
        "has_refresh_token": "refresh_token" in token,
    }


def main():
    out = {"authlib_version": authlib.__version__}

    metadata = requests.get(f"{BASE}/.well-known/oauth-authorization-server", timeout=10).json()
    out["metadata"] = {k: metadata.get(k) for k in ("issuer", "token_endpoint", "introspection_endpoint", "revocation_endpoint", "jwks_uri")}
    key_set = JsonWebKey.import_key_set(requests.get(metadata["jwks_uri"], timeout=10).json())

    # client_secret_basic, narrowed to one scope.
    basic = session(CLIENT_ID, CLIENT_SECRET, "client_secret_basic", scope="exchange:account:read")
    token = basic.fetch_token(metadata["token_endpoint"], grant_type="client_credentials")
    out["basic"] = {**token_summary(token), **verify(token["access_token"], metadata, key_set, "urn:wagmix:exchange")}

    # client_secret_post, every scope of the key.
    post = session(CLIENT_ID, CLIENT_SECRET, "client_secret_post")
    post_token = post.fetch_token(metadata["token_endpoint"], grant_type="client_credentials")
    out["post"] = token_summary(post_token)

    # A wrong secret: Authlib surfaces the RFC 6749 5.2 error.
    try:
        session(CLIENT_ID, CLIENT_SECRET[:-1] + ("A" if CLIENT_SECRET[-1] != "A" else "B"), "client_secret_basic").fetch_token(
            metadata["token_endpoint"], grant_type="client_credentials"
        )
        out["bad_secret"] = {"raised": False}
    except OAuthError as err:
        out["bad_secret"] = {"raised": True, "error": err.error}

    # The admin uses its token as a bearer token on the admin API (RFC 6750).
    admin = session(ADMIN_ID, ADMIN_SECRET, "client_secret_basic")
    admin.fetch_token(metadata["token_endpoint"], grant_type="client_credentials")
    res = admin.get(f"{BASE}/admin/keys/{CLIENT_ID}", timeout=10)
    out["admin_get_key"] = {"status": res.status_code, "client_id": res.json().get("client_id")}

    # Introspection of its own token (post), revocation (post), introspection again (basic).
    res = post.introspect_token(metadata["introspection_endpoint"], token=token["access_token"], token_type_hint="access_token")
    out["introspect"] = {"status": res.status_code, "cache_control": res.headers.get("cache-control"), "body": res.json()}
    res = post.revoke_token(metadata["revocation_endpoint"], token=token["access_token"], token_type_hint="access_token")
    out["revoke"] = {"status": res.status_code}
    res = basic.introspect_token(metadata["introspection_endpoint"], token=token["access_token"])
    out["introspect_after_revoke"] = {"status": res.status_code, "body": res.json()}
    # The other token is untouched by that revocation.
    res = basic.introspect_token(metadata["introspection_endpoint"], token=post_token["access_token"])
    out["introspect_other"] = {"status": res.status_code, "active": res.json().get("active")}

    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
