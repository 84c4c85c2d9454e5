"""The values of the placeholders of a template: places, organisations, institutions, routes,
numbers and dates, each resolved once per message (a text that names the same street twice
names the same street)."""

from __future__ import annotations

import random
import re
import zlib
from datetime import datetime, timedelta

from otklik.nlp.corpus.draw import DAYS, HOURS, MONTHS, WEEKS, YEARS, pick, plural
from otklik.nlp.corpus.people import Person
from otklik.nlp.corpus.places import VOLGOGRAD, VOLZHSKY, Location, bare, muni_class, region
from otklik.nlp.corpus.templates import CHOICE, GENDER, PLACEHOLDER


class Filler:
    """Resolves the placeholders of one message; every value is computed once."""

    def __init__(
        self,
        rng: random.Random,
        loc: Location,
        person: Person,
        when: datetime,
        sector: str,
    ):
        self.rng = rng
        self.loc = loc
        self.person = person
        self.when = when
        self.sector = sector
        self.values: dict[str, str] = {}
        self.used: set[str] = set()
        self.places = region()

    # -- public
    def fill(self, raw: str) -> str:
        rng = self.rng
        for _ in range(2):  # choices may nest one level deep
            raw = CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), raw)
        female = self.person.female
        raw = GENDER.sub(lambda m: m.group(2) if female else m.group(1), raw)
        return PLACEHOLDER.sub(self._sub, raw)

    def _sub(self, m: re.Match) -> str:
        name = m.group(1)
        self.used.add(name)
        if name not in self.values:
            self.values[name] = self._resolve(name)
        return self.values[name]

    # -- values
    def _resolve(self, name: str) -> str:  # a flat dispatch table reads best here
        rng, loc, muni, d = self.rng, self.loc, self.loc.muni, self.loc.district
        cls = muni_class(muni)
        org = self.places.organisations
        if name == "place":
            return loc.mkr if d else loc.place
        if name == "locality":
            if d or loc.in_town or not muni.okrug:
                return loc.place
            return f"г. Волжский, {loc.place}" if cls == "volzhsky" else loc.place
        if name == "mkr":
            return loc.mkr
        if name == "street":
            return loc.street
        if name == "house":
            return loc.house
        if name == "addr":
            return self._addr()
        if name == "home":
            return f"{loc.prefix()}, {loc.street}, д. {loc.house}, кв. {self._resolve('flat')}"
        if name == "flat":
            return str(rng.randint(1, 220 if loc.in_town else 48))
        if name == "entrance":
            return str(rng.randint(1, 6))
        if name == "area":
            return d.loc if d else muni.loc
        if name == "district_gen":
            return d.gen if d else muni.gen
        if name == "admin":
            if d:
                return f"администрация {d.gen}"
            if muni.okrug or loc.index == 0:
                return f"администрация {muni.gen}"
            return "администрация поселения"
        if name == "stop":
            return self._stop()
        if name == "park":
            return self._park()
        if name == "river":
            return muni.river
        if name == "crossing":
            return muni.crossing or "паромная переправа"
        if name == "train":
            return muni.train or "электричка"
        if name == "highway":
            return self._highway()
        if name == "bus_line":
            return self._bus_line()
        if name == "snt":
            return pick(loc.key + "snt", self.places.snt_names)
        if name == "uk":
            pool = (
                self.places.managing_companies
                if loc.in_town
                else self.places.rural_managing_companies
            )
            return pick(f"{loc.place}|{loc.street}|{loc.house}", pool)
        if name == "water_org":
            return org["water_volgograd"] if cls == "volgograd" else org["water_town"]
        if name == "heat_org":
            if cls == "volgograd":
                return org["heat_volgograd"]
            return org["heat_volzhsky"] if cls == "volzhsky" else org["heat_town"]
        if name == "power_org":
            if cls == "volgograd":
                return pick(loc.key + "grid", (org["grid_city"], org["grid_region"]))
            if cls in ("volzhsky", "town"):
                return org["grid_obl"]
            return pick(loc.place + "grid", (org["grid_region"], org["grid_obl"]))
        if name == "energosbyt":
            return org["energosbyt"]
        if name == "gas_org":
            return org["gas_network"]
        if name == "tko_org":
            if cls == "volzhsky" and rng.random() < 0.5:
                return org["tko_operator_volzhsky"]
            return org["tko_operator"]
        if name == "road_org":
            if d:
                return d.road_org
            return org["roads_volzhsky"] if cls == "volzhsky" else "дорожная служба"
        if name == "transport_org":
            vehicle = self._resolve_cached("vehicle")
            return org["tram_operator"] if vehicle in ("трамвай", "троллейбус") else "перевозчик"
        if name == "org":
            return self._org()
        if name == "school":
            return self._school()
        if name == "kindergarten":
            return self._kindergarten()
        if name == "hospital":
            if cls == "volgograd":
                return pick(loc.key + "hosp", self.places.volgograd_hospitals)
            return muni.hospital
        if name == "polyclinic":
            if cls == "volgograd":
                n = 1 + zlib.crc32((loc.key + "pol").encode()) % 30
                return f"ГУЗ «{'Клиническая поликлиника' if n < 6 else 'Поликлиника'} № {n}»"
            if cls == "volzhsky":
                return f"ГБУЗ «Городская поликлиника № {1 + zlib.crc32(loc.key.encode()) % 6}»"
            return muni.hospital
        if name == "child_polyclinic":
            if cls == "volgograd":
                return f"ГУЗ «Детская поликлиника № {1 + zlib.crc32(loc.key.encode()) % 31}»"
            if cls == "volzhsky":
                return f"ГБУЗ «Детская городская поликлиника № {1 + rng.randrange(3)}»"
            return muni.hospital
        if name == "vehicle":
            return self._vehicle()
        if name == "vehicle_gen":
            return self.places.vehicle_forms[self._resolve_cached("vehicle")][0]
        if name == "vehicle_acc":
            return self.places.vehicle_forms[self._resolve_cached("vehicle")][1]
        if name == "route_no":
            return self._route()
        if name == "days":
            return plural(int(rng.triangular(2, 22, 3)), DAYS)
        if name == "weeks":
            return plural(rng.randint(2, 6), WEEKS)
        if name == "months":
            return plural(rng.randint(2, 8), MONTHS)
        if name == "hours":
            return plural(rng.randint(2, 9), HOURS)
        if name == "date":
            return (self.when - timedelta(days=rng.randint(3, 45))).strftime("%d.%m.%Y")
        if name == "time":
            return f"{rng.randint(6, 21)}:{rng.choice(('05', '15', '20', '30', '40', '50'))}"
        if name == "year":
            return str(self.when.year - 1)
        if name == "year_q":
            return str(self.when.year - rng.randint(1, 5))
        if name == "year_built":
            return str(1955 + zlib.crc32(loc.key.encode()) % 35)
        if name == "year_ae":
            return str(rng.randint(2012, min(2022, self.when.year - 1)))
        if name == "temp":
            return str(rng.randint(11, 17))
        if name == "sum":
            return f"{rng.randrange(4500, 14000, 10):,}".replace(",", " ")
        if name == "old_age":
            return plural(rng.randint(74, 93), YEARS)
        if name == "kid_age":
            return plural(rng.randint(2, 6), YEARS)
        if name == "child_age":
            return plural(rng.randint(7, 15), YEARS)
        if name == "author":
            return self.person.full
        raise KeyError(f"unknown placeholder {{{name}}}")

    def _resolve_cached(self, name: str) -> str:
        if name not in self.values:
            self.values[name] = self._resolve(name)
        return self.values[name]

    def _addr(self) -> str:
        loc, r = self.loc, self.rng.random()
        street, house = loc.street, loc.house
        if r < 0.45:
            text = f"{street}, д. {house}"
        elif r < 0.8:
            text = f"{street}, {house}"
        elif street.startswith("ул. "):
            text = f"{street[4:]} {house}"
        else:
            text = f"{street} {house}"
        return text if loc.in_town else f"{loc.place}, {text}"

    def _stop(self) -> str:
        loc, muni = self.loc, self.loc.muni
        if loc.district:
            return pick(loc.key + "stop", loc.district.stops)
        if muni.okato == VOLZHSKY:
            return pick(loc.key + "stop", self.places.volzhsky_stops)
        if loc.in_town:
            return pick(loc.key + "stop", self.places.town_stops)
        return pick(loc.key + "stop", self.places.rural_stops)

    def _park(self) -> str:
        loc = self.loc
        if loc.district and loc.district.name == "Центральный":
            return pick(loc.key + "park", self.places.central_parks)
        if loc.district or loc.muni.okato == VOLZHSKY:
            return f"сквере у остановки «{self._resolve_cached('stop')}»"
        return pick(loc.key + "park", self.places.town_parks)

    def _centre(self) -> str:
        return bare(self.loc.muni.settlements[0])

    def _highway(self) -> str:
        muni, rng = self.loc.muni, self.rng
        if not muni.okrug and self.loc.index and rng.random() < 0.5:
            return f"{bare(self.loc.place)} — {self._centre()}"
        start = "Волгоград" if muni.okato == VOLGOGRAD else self._centre()
        ends = [n for n in muni.neighbours if n != start] or ["Волгоград"]
        return f"{start} — {rng.choice(ends)}"

    def _bus_line(self) -> str:
        loc, muni = self.loc, self.loc.muni
        if muni.okato == VOLGOGRAD:
            return f"Волгоград — {self.rng.choice(muni.neighbours)}"
        here = bare(loc.place)
        if loc.index and not muni.okrug and self.rng.random() < 0.5:
            return f"{here} — {self._centre()}"
        return f"{here} — Волгоград"

    def _org(self) -> str:
        s, cls = self.sector, muni_class(self.loc.muni)
        if s == "zhkh":
            return self._resolve_cached("uk")
        if s == "tko":
            return self._resolve_cached("tko_org")
        if s == "energy":
            return self._resolve_cached("power_org")
        if s == "roads":
            road = self._resolve_cached("road_org")
            return road if "«" in road else "дорожную службу"
        if s == "transport":
            org = self._resolve_cached("transport_org")
            return org if "«" in org else "комитет транспорта"
        if s == "health":
            return self._resolve_cached("hospital")
        if s == "education":
            return "департамент по образованию" if cls == "volgograd" else "отдел образования"
        if s == "social":
            return "соцзащиту"
        return "администрацию"

    def _school(self) -> str:
        loc, cls = self.loc, muni_class(self.loc.muni)
        h = zlib.crc32((loc.key + "school").encode())
        if cls == "volgograd":
            r = h % 100
            if r < 12:
                return f"МОУ «Лицей № {1 + h % 10}»"
            if r < 25:
                return f"МОУ «Гимназия № {1 + h % 17}»"
            return f"МОУ СШ № {1 + h % 140}"
        if cls == "volzhsky":
            return f"МОУ СШ № {1 + h % 37}"
        if loc.in_town:
            return f"МОУ СШ № {1 + h % 12}"
        if loc.index == 0:
            return f"МКОУ СШ № {1 + h % 3} {loc.place}"
        return f"МКОУ СШ {loc.place}"

    def _kindergarten(self) -> str:
        loc, cls = self.loc, muni_class(self.loc.muni)
        h = zlib.crc32((loc.key + "kg").encode())
        names = self.places.kindergarten_names
        if cls == "volgograd":
            return f"МОУ «Детский сад № {1 + h % 400}»"
        if cls == "volzhsky":
            return f"МДОУ «Детский сад № {1 + h % 90}»"
        return f"МКДОУ «Детский сад «{names[h % len(names)]}»»"

    def _vehicle(self) -> str:
        cls = muni_class(self.loc.muni)
        if cls == "volgograd":
            return self.places.vehicles["volgograd"].choice(self.rng)
        if cls == "volzhsky":
            return self.places.vehicles["volzhsky"].choice(self.rng)
        if self.loc.in_town or self.loc.index == 0:
            return self.places.vehicles["town"].choice(self.rng)
        return "автобус"

    def _route(self) -> str:
        vehicle = self._resolve_cached("vehicle")
        cls = muni_class(self.loc.muni)
        if cls == "volgograd":
            return self.rng.choice(self.places.routes["volgograd"][vehicle])
        if cls == "volzhsky":
            return self.rng.choice(self.places.routes["volzhsky"][vehicle])
        if self.loc.in_town or self.loc.index == 0:
            return self.rng.choice(self.places.routes["town"][vehicle])
        return self.rng.choice(self.places.suburban_routes)
