"""`python -m lendportal.healthcheck`: exit 0 when this machine's web process answers /healthz.

The container's HEALTHCHECK (Dockerfile). It asks as the proxy would: with the first of
DJANGO_ALLOWED_HOSTS as Host and X-Forwarded-Proto https, so production settings neither refuse
the host nor redirect to https. Prints the answer's status; never a secret.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

TIMEOUT_SECONDS = 4


def healthz_request(environ: dict[str, str]) -> urllib.request.Request:
    """The request the check sends, from the environment (PORT, DJANGO_ALLOWED_HOSTS)."""
    port = environ.get("PORT") or "8000"
    hosts = [h.strip() for h in environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
    return urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={"Host": host, "X-Forwarded-Proto": "https", "X-Request-Id": "healthcheck"},
    )


def main() -> int:
    try:
        request = healthz_request(dict(os.environ))  # a fixed http:// URL on this machine
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError as error:
        print(f"healthz unreachable: {type(error).__name__}")
        return 1
    print(f"healthz {status}")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
