"""A stand-in for the GOV.UK Notify API on 127.0.0.1, started by a test (never the internet).

It checks each request's JWT the way Notify does (HS256 with the key's secret, `iss` = service
id, `iat` recent) and records what it accepted. `statuses` scripts the answers; "hang" makes it
read the request and never answer (until the server stops), like a provider that went quiet.
It answers the three ways of sending (POST /v2/notifications/email, /sms and /letter, which the
official client uses) and the status of a message (GET /v2/notifications/<id>, from
`delivery_states`, for the polling fallback).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"portal_test-{SERVICE_ID}-{SECRET}"


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class FakeNotify:
    def __init__(self, statuses: list[int | str] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.accepted: list[dict] = []
        self.seen: list[dict] = []
        # (path, body) of each accepted message, and the state GET answers per message id.
        self.sent: list[tuple[str, dict]] = []
        self.delivery_states: dict[str, str] = {}
        self.hanging = threading.Event()
        self._release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                if not fake._token_ok(self.headers.get("Authorization", "")):
                    return self._answer(403, {"errors": [{"error": "AuthError"}]})
                notification_id = self.path.rstrip("/").rsplit("/", 1)[-1]
                if notification_id not in fake.delivery_states:
                    return self._answer(404, {"errors": [{"error": "NoResultFound"}]})
                state = fake.delivery_states[notification_id]
                return self._answer(200, {"id": notification_id, "status": state})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.seen.append(body)
                if not fake._token_ok(self.headers.get("Authorization", "")):
                    return self._answer(403, {"errors": [{"error": "AuthError"}]})
                status = fake.statuses.pop(0) if fake.statuses else 201
                if status == "hang":
                    fake.hanging.set()
                    fake._release.wait(60)
                    return None
                if status == 201:
                    fake.accepted.append(body)
                    fake.sent.append((self.path, body))
                    return self._answer(201, {"id": f"n-{len(fake.accepted)}"})
                return self._answer(int(status), {"errors": [{"error": "Scripted"}]})

            def _answer(self, status: int, payload: dict) -> None:
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _token_ok(self, header: str) -> bool:
        if not header.startswith("Bearer "):
            return False
        try:
            head, payload, signature = header[7:].split(".")
            expected = hmac.new(
                SECRET.encode(), f"{head}.{payload}".encode(), hashlib.sha256
            ).digest()
            claims = json.loads(_b64decode(payload))
            return (
                hmac.compare_digest(expected, _b64decode(signature))
                and json.loads(_b64decode(head)) == {"typ": "JWT", "alg": "HS256"}
                and claims["iss"] == SERVICE_ID
                and abs(claims["iat"] - time.time()) < 30
            )
        except (ValueError, KeyError):
            return False

    def __enter__(self) -> FakeNotify:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()
