"""One answer to several places of a channel (each VK post, comment or chat of a case), with the
outbox's retries: what was delivered or refused is noted in the outbox row's payload, so a retry
after a partial failure repeats nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from otklik.cases.models import OutboxMessage
from otklik.cases.outbox import TransportError
from otklik.channels.secrets import MissingSecret


def deliver_to_each(
    outbox: OutboxMessage,
    targets: Sequence[tuple[str, Callable[[], None]]],
    *,
    errors: type[Exception],
    key: str,
) -> None:
    """Call each target's send once; ``errors`` carry ``permanent``. Raises ``TransportError``:
    retryable when some target may still succeed, permanent when every target refused."""
    if not targets:
        raise TransportError("В инциденте нет сообщений из этого канала.", permanent=True)
    done = set(outbox.payload.get(f"{key}_done", []))
    refused = dict(outbox.payload.get(f"{key}_refused", {}))
    retry: list[str] = []
    for name, send in targets:
        if name in done or name in refused:
            continue
        try:
            send()
        except MissingSecret as exc:  # configuration: retried once it is fixed
            retry.append(str(exc))
            break
        except errors as exc:
            if getattr(exc, "permanent", False):
                refused[name] = str(exc)
            else:
                retry.append(str(exc))
            continue
        done.add(name)
    outbox.payload = {**outbox.payload, f"{key}_done": sorted(done), f"{key}_refused": refused}
    if retry:
        raise TransportError("; ".join(retry))
    if not done:
        raise TransportError("; ".join(refused.values()), permanent=True)
