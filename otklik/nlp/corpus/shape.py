"""The shape of the stream (otklik/directory/data/stream.toml): channels, kinds, sectors,
seasons and places of topics, and when each channel writes (fewer messages at night and at
weekends; paper mail is registered on working days only)."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from otklik.nlp import resources

TZ = ZoneInfo("Europe/Volgograd")
UTC = ZoneInfo("UTC")

KIND_MESSAGE = "message"
KIND_APPEAL = "appeal_59fz"
KIND_COMPLAINT = "complaint_210fz"
KIND_PUBLICATION = "publication"


@dataclass(frozen=True)
class Shape:
    repeat_share: float
    author_reuse: float
    channel_weights: dict[str, float]
    social_channels: frozenset[str]
    copyable_channels: frozenset[str]  # a text can be reposted or copied between these
    sector_weights: dict[str, float]
    unknown_sector_weight: float
    topic_weights: dict[str, float]
    season: dict[str, tuple[float, ...]]  # topic → multiplier of each month, January first
    flat_topics: frozenset[str]  # about a block of flats
    village_topics: frozenset[str]  # about a village of private houses
    place_factor: dict[str, dict[str, float]]  # class of municipality → topic → multiplier
    greeting_share: dict[str, float]
    geo_share: dict[str, float]
    anonymous_share: dict[str, float]
    phone_share: dict[str, float]
    email_share: dict[str, float]
    # channel → (by hour, by weekday, the largest product of the two)
    profiles: dict[str, tuple[tuple[float, ...], tuple[float, ...], float]]


def _profile(data: dict, social: frozenset[str], channel: str):
    if channel in social or channel == "telegram":
        profile = "social"
    elif channel in ("paper", "phone"):
        profile = channel
    else:
        profile = "default"
    hours, days = tuple(data["hours"][profile]), tuple(data["weekdays"][profile])
    return hours, days, max(hours) * max(days)


@functools.cache
def shape() -> Shape:
    data = resources.reference("stream")
    curves = data["season"]["curves"]
    social = frozenset(data["social_channels"])
    return Shape(
        repeat_share=data["repeat_share"],
        author_reuse=data["author_reuse"],
        channel_weights=dict(data["channel_weights"]),
        social_channels=social,
        copyable_channels=frozenset(data["copyable_channels"]),
        sector_weights=dict(data["sector_weights"]),
        unknown_sector_weight=data["unknown_sector_weight"],
        topic_weights=dict(data["topic_weights"]),
        season={t: tuple(curves[c]) for t, c in data["season"]["topics"].items()},
        flat_topics=frozenset(data["flat_topics"]),
        village_topics=frozenset(data["village_topics"]),
        place_factor={cls: dict(f) for cls, f in data["place_factor"].items()},
        greeting_share=dict(data["greeting_share"]),
        geo_share=dict(data["geo_share"]),
        anonymous_share=dict(data["author"]["anonymous"]),
        phone_share=dict(data["author"]["phone"]),
        email_share=dict(data["author"]["email"]),
        profiles={c: _profile(data, social, c) for c in data["channel_weights"]},
    )


def kind_for(rng: random.Random, channel: str, complaint_possible: bool) -> str:
    if channel in shape().social_channels:
        return KIND_PUBLICATION
    if channel == "paper":
        return KIND_APPEAL
    if channel == "pos":
        r = rng.random()
        if r < 0.05 and complaint_possible:
            return KIND_COMPLAINT
        if r < 0.22:
            return KIND_APPEAL
    return KIND_MESSAGE


def accept(rng: random.Random, t: datetime, channel: str) -> bool:
    """Whether a message of the channel at time t is kept (rejection sampling of the hour)."""
    profiles = shape().profiles
    hours, days, top = profiles.get(channel, profiles["pos"])
    return rng.random() * top < hours[t.hour] * days[t.weekday()]


def sample_time(rng: random.Random, start: datetime, span: float, channel: str) -> datetime:
    t = start
    for _ in range(200):
        t = (start + timedelta(seconds=rng.random() * span)).astimezone(TZ)
        if accept(rng, t, channel):
            break
    return t
