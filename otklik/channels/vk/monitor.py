"""Monitoring of public VK posts by keywords and area (``newsfeed.search``).

Each search keeps its cursor in ``ChannelState`` (key ``mon:<hash of the search>:…``): ``since``
— the time up to which every post was seen; while a window is read page by page, ``until`` and
``from`` (VK's ``next_from``) are kept too, so a run that stops at the page limit resumes where
it stopped. Posts are received with the same external id as the callback's ``wall_post_new``,
so a post seen by both is one message.
"""

from __future__ import annotations

import hashlib
import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from otklik.channels.secrets import channel_secret
from otklik.channels.services import health_error, state_get, state_set
from otklik.channels.vk import client
from otklik.channels.vk.services import own_group_id, post_receive

logger = logging.getLogger(__name__)

DEFAULT_FILE = Path(__file__).parent / "data" / "monitor.toml"
PAGE_SIZE = 200  # newsfeed.search returns at most 200 per call
MAX_PAGES = 5  # per search and run
STATE_LIMIT = 255  # ChannelState.value
FIRST_LOOK_BACK_SECONDS = 24 * 3600  # newsfeed.search's own default window
# The next window starts a little before the last one ended: VK indexes some posts late, and
# a post seen twice is one message anyway.
OVERLAP_SECONDS = 600


@dataclass(frozen=True)
class Search:
    q: str
    latitude: float | None = None
    longitude: float | None = None

    @property
    def key(self) -> str:
        raw = f"{self.q}|{self.latitude}|{self.longitude}"
        return "mon:" + hashlib.sha256(raw.encode()).hexdigest()[:12]


@dataclass
class MonitorRun:
    searched: int = 0
    found: int = 0
    created: int = 0
    outside: int = 0
    errors: int = 0


def searches_load(path: Path | None = None) -> list[Search]:
    path = path or Path(settings.OTKLIK_VK_MONITOR_FILE or DEFAULT_FILE)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Search(q=str(s["q"]), latitude=s.get("latitude"), longitude=s.get("longitude"))
        for s in data.get("search", [])
        if str(s.get("q", "")).strip()
    ]


def _in_region(post: dict, own_group: int) -> bool:
    """A post on the body's own community wall, or one the location stage places in the oblast
    (by its text or geotag)."""
    from otklik.channels.vk.converter import geo_location
    from otklik.nlp.stages.location import location_of

    if own_group and str(post.get("owner_id")) == str(-own_group):
        return True
    geo = geo_location(post)
    result = location_of(post.get("text") or "", geo.get("lat"), geo.get("lon"))
    return bool(result.get("municipality"))


def _names(response: dict) -> dict[int, str]:
    names = {}
    for p in response.get("profiles") or []:
        names[int(p["id"])] = f"{p.get('first_name', '')} {p.get('last_name', '')}".strip()
    for g in response.get("groups") or []:
        names[-int(g["id"])] = g.get("name", "")
    return names


def _search_one(search: Search, token: str, run: MonitorRun) -> None:
    own_group = own_group_id()
    now = int(timezone.now().timestamp())
    since = int(state_get("vk", f"{search.key}:since") or now - FIRST_LOOK_BACK_SECONDS)
    until = int(state_get("vk", f"{search.key}:until") or now)
    start_from = state_get("vk", f"{search.key}:from")
    for _ in range(MAX_PAGES):
        response = client.call(
            "newsfeed.search",
            token=token,
            q=search.q,
            latitude=search.latitude,
            longitude=search.longitude,
            start_time=since,
            end_time=until,
            start_from=start_from,
            count=PAGE_SIZE,
            extended=1,
        )
        items = response.get("items") or []
        names = _names(response)
        for post in items:
            run.found += 1
            if not _in_region(post, own_group):
                run.outside += 1
                continue
            if post_receive(post, names=names).status == "created":
                run.created += 1
        start_from = str(response.get("next_from") or "")
        if len(start_from) > STATE_LIMIT:  # cannot be kept: this window ends here
            logger.warning("vk monitor %r: next_from too long to keep", search.q)
            start_from = ""
        if not start_from or not items:
            break
    if start_from:  # the page limit: the next run goes on in the same window
        state_set("vk", f"{search.key}:from", start_from)
        state_set("vk", f"{search.key}:until", str(until))
        return
    state_set("vk", f"{search.key}:since", str(max(since, until - OVERLAP_SECONDS)))
    state_set("vk", f"{search.key}:from", "")
    state_set("vk", f"{search.key}:until", "")


def monitor_run(*, searches: list[Search] | None = None) -> MonitorRun:
    """One pass over every search; a failing search is reported and the others go on."""
    run = MonitorRun()
    token = channel_secret("vk", "user_token", required=False)
    if not token:
        return run  # monitoring is off until a user key is given
    for search in searches if searches is not None else searches_load():
        run.searched += 1
        try:
            _search_one(search, token, run)
        except client.VkError as exc:
            run.errors += 1
            logger.warning("vk monitor %r: %s", search.q, exc)
            health_error("vk", f"Мониторинг «{search.q}»: {exc}")
    return run
