"""HTTP to the platform: one requests.Session (its connection kept alive across a run's requests),
timeouts, gzip bodies, bearer token, URL policy.

Every response is checked before anyone looks at it: a redirect, HTML from a captive portal,
non-JSON or JSON of the wrong shape becomes `GarbageResponse`, so callers only ever see a
validated pydantic model (and write nothing when they don't).
"""

from __future__ import annotations

import gzip
import ipaddress
import json
import logging
from dataclasses import dataclass
from importlib import metadata
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import requests
from pydantic import BaseModel, ValidationError
from pydantic_core import from_json
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from sync.errors import (
    EpochChanged,
    GarbageResponse,
    MachineNotAuthorized,
    PlatformBusy,
    PlatformUnreachable,
    RequestRefused,
    ServerUrlRefused,
    TlsFailure,
)
from wire.window_report import WindowReport

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
M = TypeVar("M", bound=BaseModel)
# The largest answer read: a bundle's envelope is at most 20 MB and a pull page of 1,000 records
# a few; far above both, it only bounds what a broken or hostile answer can take.
MAX_ANSWER_BYTES = 256 * 1024 * 1024
_CHUNK = 256 * 1024


def _app_version() -> str:
    try:
        return metadata.version("ventanilla")
    except metadata.PackageNotFoundError:
        return "0.0.0"


APP_VERSION = _app_version()


def is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_server_url(url: str) -> str:
    """The normalised base URL, or ServerUrlRefused: HTTPS anywhere, plain HTTP only to loopback."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        _ = parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        raise ServerUrlRefused(f"La dirección «{url}» no es válida.") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        raise ServerUrlRefused(
            f"La dirección «{url}» no es válida: debe empezar con https:// y llevar el servidor."
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ServerUrlRefused(
            f"La dirección «{url}» no debe llevar usuario, contraseña ni parámetros."
        )
    if scheme == "http" and not is_loopback_host(host):
        raise ServerUrlRefused(
            "Por seguridad la plataforma debe usar HTTPS; HTTP sin cifrar solo se permite hacia "
            "este mismo equipo (localhost)."
        )
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def _detail(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason or ""
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, str):
        return detail[:300]
    return json.dumps(detail, ensure_ascii=False)[:300] if detail else (response.reason or "")


def _epoch_of(response: requests.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    epoch = body.get("epoch") if isinstance(body, dict) else None
    return epoch if isinstance(epoch, str) else None


def check_status(response: requests.Response, accept: tuple[int, ...] = ()) -> None:
    """Map a status code to our typed errors; 2xx and the codes in `accept` pass."""
    status = response.status_code
    if 200 <= status < 300 or status in accept:
        return
    if 300 <= status < 400:
        raise GarbageResponse(f"redirect {status} to {response.headers.get('Location', '?')}")
    if status in (401, 403):
        raise MachineNotAuthorized(_detail(response))
    if status == 410:
        raise EpochChanged(_epoch_of(response))
    if status == 429 or status >= 500:
        raise PlatformBusy(status, response.headers.get("Retry-After"))
    raise RequestRefused(status, _detail(response))


def parse_model(response: requests.Response, model: type[M]) -> M:
    """The body as `model`, or GarbageResponse (nothing has been written at this point). The
    JSON is parsed to Python values (pydantic-core's parser), then validated in Python mode: the
    same rules for values JSON can carry, and a pull page of dicts costs half as much."""
    content_type = response.headers.get("Content-Type", "")
    if "json" not in content_type.lower():
        raise GarbageResponse(f"content-type {content_type!r}, {len(response.content)} bytes")
    try:  # parsed, then validated: half the CPU of model_validate_json on a pull page's dicts
        body = from_json(response.content)
    except ValueError as exc:
        raise GarbageResponse(f"{model.__name__}: not JSON ({exc})") from exc
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise GarbageResponse(f"{model.__name__}: {exc.error_count()} schema errors") from exc


def _read_body(response: requests.Response, limit: int) -> None:
    """Read the answer's body (decompressed) into `response.content`, never past `limit`
    bytes: an endless or oversized answer (a broken proxy, a gzip bomb) is a GarbageResponse
    once the limit is crossed, not a window out of memory."""
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise GarbageResponse(f"answer of more than {limit} bytes")
            chunks.append(chunk)
    finally:
        if size > limit:
            response.close()
    response._content = b"".join(chunks)


def _never_connected(exc: requests.RequestException) -> bool:
    """True when no connection was made at all (refused, DNS, connect timeout)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


@dataclass(frozen=True)
class ClientSettings:
    """What another process needs to talk to the platform as this client does (sync.pull_worker):
    address, headers (token and the window's report included) and timeouts."""

    base_url: str
    headers: dict[str, str]
    timeout: tuple[float, float]


class PlatformClient:
    """A connection to one platform; not thread-safe, build one per sync run."""

    def __init__(self, base_url: str, token: str | None = None, *,
                 timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
                 session: requests.Session | None = None) -> None:
        self.base_url = check_server_url(base_url)
        self.timeout = timeout
        self._own_session = session is None  # a caller's session may carry its own adapters
        self._http = session or requests.Session()
        self._http.headers["User-Agent"] = f"Ventanilla/{APP_VERSION}"
        self._http.headers["Accept"] = "application/json"
        if token:
            self._http.headers["Authorization"] = f"Bearer {token}"

    def report(self, report: WindowReport) -> None:
        """Carry `report` as headers on every later request (wire.window_report)."""
        self._http.headers.update(report.headers())

    def settings(self) -> ClientSettings | None:
        """This client's settings for another process, or None when it was given a session of
        the caller's (which another process could not rebuild)."""
        if not self._own_session:
            return None
        return ClientSettings(self.base_url, {k: str(v) for k, v in self._http.headers.items()},
                              self.timeout)

    @classmethod
    def from_settings(cls, settings: ClientSettings) -> PlatformClient:
        client = cls(settings.base_url, timeout=settings.timeout)
        client._http.headers.update(settings.headers)
        return client

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def request(self, method: str, path: str, *, accept: tuple[int, ...] = (),
                **kwargs: Any) -> requests.Response:
        """Send one request (no redirects, verified TLS) and check its status."""
        url = self.base_url + path
        try:
            response = self._http.request(method, url, timeout=self.timeout, stream=True,
                                          allow_redirects=False, verify=True, **kwargs)
            _read_body(response, MAX_ANSWER_BYTES)
        except requests.exceptions.SSLError as exc:
            log.warning("TLS failure talking to %s: %s", self.base_url, exc)
            raise TlsFailure() from exc
        except requests.RequestException as exc:
            log.info("%s %s failed: %s", method, path, type(exc).__name__)
            raise PlatformUnreachable(type(exc).__name__, _never_connected(exc)) from exc
        check_status(response, accept)
        return response

    def post_json(self, path: str, body: BaseModel | dict[str, Any], model: type[M]) -> M:
        """POST a gzip-compressed JSON body and parse the answer as `model`."""
        data = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        response = self.request("POST", path, data=gzip.compress(raw, compresslevel=6),
                                headers=headers)
        return parse_model(response, model)

    def post_gzip_json(self, path: str, gzipped: bytes, model: type[M]) -> M:
        """POST a body already JSON-encoded and gzip-compressed; parse the answer as `model`."""
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        return parse_model(self.request("POST", path, data=gzipped, headers=headers), model)

    def get_json(self, path: str, model: type[M], params: dict[str, Any] | None = None) -> M:
        return parse_model(self.request("GET", path, params=params), model)

    def get_json_if_changed(self, path: str, model: type[M], params: dict[str, Any],
                            etag: str) -> M | None:
        """A conditional GET: None when the platform answers 304 Not Modified for `etag`."""
        response = self.request("GET", path, params=params, headers={"If-None-Match": etag},
                                accept=(304,))
        return None if response.status_code == 304 else parse_model(response, model)
