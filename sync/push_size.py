"""How many mutations a push batch carries (ARCHITECTURE §7).

`MAX_BATCH`, unless the platform answered 413 to that many: a platform from before the limit
was raised takes `V1_MAX_BATCH`. The push then sends the same rows again, fewer at a time, and
the size that the platform took is kept per platform address for as long as the app runs (the
first push after a restart finds it again with one refused request, so a platform upgraded
meanwhile gets full batches again).
"""

from __future__ import annotations

import logging
import threading

from sync.errors import RequestRefused
from wire.protocol import MAX_BATCH, V1_MAX_BATCH

log = logging.getLogger(__name__)

_fitted: dict[str, int] = {}  # platform URL → the batch size it took after refusing more
_lock = threading.Lock()


def batch_size(platform_url: str) -> int:
    with _lock:
        return _fitted.get(platform_url, MAX_BATCH)


def too_many(exc: BaseException, sent: int) -> bool:
    """The platform refused a batch of `sent` mutations for its size: fewer may pass."""
    return isinstance(exc, RequestRefused) and exc.status == 413 and sent > 1


def fall_back(platform_url: str, refused: int) -> int:
    """The size to send after the platform refused `refused` mutations as too many: what every
    platform takes, or half when even that was refused. Remembered for the address."""
    size = V1_MAX_BATCH if refused > V1_MAX_BATCH else max(1, refused // 2)
    with _lock:
        _fitted[platform_url] = size
    log.warning("platform %s refused a push of %d mutations as too large; sending %d at a time",
                platform_url, refused, size)
    return size


def forget() -> None:
    """Back to full batches for every platform (tests)."""
    with _lock:
        _fitted.clear()
