"""Verifies one request of a webhook on the `asset` profile, as an Asset receiver in Python would.

Usage: verify_asset_signature.py JWKS_URL REQUEST_JSON

REQUEST_JSON is a file holding what the receiver captured: {"headers": {...}, "body_base64": "..."}
(the body's exact bytes, base64). The key comes from the JWKS alone: PyJWT fetches it and picks
the one the JWS's protected header names (`kid`); the signature is checked with EdDSA, and the
payload's `sha256` must be the SHA-256 of the exact body bytes. Prints "verified" and exits 0, or
prints why not and exits 1.
"""

import base64
import hashlib
import hmac
import json
import sys

import jwt


def verify(jwks_url: str, headers: dict, body: bytes) -> dict:
    token = headers["asset-signature"]
    signing_key = jwt.PyJWKClient(jwks_url).get_signing_key_from_jwt(token)
    claims = jwt.decode(token, signing_key.key, algorithms=["EdDSA"])
    if not hmac.compare_digest(claims["sha256"], hashlib.sha256(body).hexdigest()):
        raise ValueError("the body does not match the signed SHA-256")
    if claims["asset-id"] != headers["asset-id"]:
        raise ValueError("asset-id does not match the signed one")
    return claims


def main() -> int:
    jwks_url, request_file = sys.argv[1], sys.argv[2]
    with open(request_file, encoding="utf-8") as f:
        captured = json.load(f)
    headers = {name.lower(): value for name, value in captured["headers"].items()}
    body = base64.b64decode(captured["body_base64"])
    try:
        claims = verify(jwks_url, headers, body)
    except (jwt.PyJWTError, KeyError, ValueError) as err:
        print(f"not verified: {type(err).__name__}: {err}")
        return 1
    print(f"verified asset-id={claims['asset-id']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
