"""Our own mapping of the Kursk feedback platform's topics to Otklik's 9 sector codes.

Used only to measure the built-in classifier (bench/nlp_builtin.py) on real appeals. The keys
are the topic names of ``kursk_appeals_dev.csv`` as they are spelt there (matched after
whitespace is collapsed); the values follow Otklik's taxonomy (otklik/directory/data/topics.toml):
street and road lighting is ``energy`` (energy-street-lighting), stops are ``transport``
(transport-stops), waste collection and illegal dumps are ``tko``, disability and
rehabilitation means are ``social`` (social-disability), ecology, animals, trade, culture,
sport, communications, construction, labour and state services are ``other``.
A topic not listed falls back to its category (``LABEL_SECTOR``); "Тестовая категория" is
dropped.
"""

from __future__ import annotations

import re

LABEL_SECTOR: dict[str, str | None] = {
    "ЖКХ и благоустройство": "zhkh",
    "Дороги": "roads",
    "Экология": "other",
    "Общественный транспорт": "transport",
    "Здравоохранение": "health",
    "Социальная защита": "social",
    "Образование": "education",
    "Безнадзорные животные": "other",
    "Строительство": "other",
    "Культура": "other",
    "Торговля": "other",
    "Меры поддержки / льготы": "social",
    "Физкультура и спорт": "other",
    "Связь (сотовая, интернет, почта)": "other",
    "Труд и занятость": "other",
    "Госуслуги": "other",
    "Тестовая категория": None,
}

# Topics whose sector differs from their category's.
TOPIC_SECTOR: dict[str, str | None] = {
    # Дороги
    "Освещение дорог в микрорайонах ИЖС": "energy",
    "Освещение дорог в границах городских округов и сельских поселений": "energy",
    "Освещение дорог регионального и межмуниципального значения": "energy",
    "Остановки общественного транспорта на дорогах в границах городских округов и сельских поселений": "transport",  # noqa: E501
    "Остановки общественного транспорта на дорогах регионального и межмуниципального значения": "transport",  # noqa: E501
    # ЖКХ и благоустройство
    "Неработающее наружное освещение": "energy",
    "Нарушения, связанные с содержанием электросети и качеством энергоснабжения в микрорайонах ИЖС": "energy",  # noqa: E501
    "Нарушения, связанные с содержанием электросети и качеством энергоснабжения в многоквартирных домах": "energy",  # noqa: E501
    "Нарушения, связанные с содержанием электросети и качеством энергоснабжения в районе частного сектора": "energy",  # noqa: E501
    "Не соответствующий установленным нормам сбор и вывоз твёрдых бытовых отходов в районах многоквартирных домов": "tko",  # noqa: E501
    "Не соответствующий установленным нормам сбор и вывоз твёрдых бытовых отходов с территории ИЖС": "tko",  # noqa: E501
    "Не соответствующий установленным нормам сбор и вывоз твёрдых бытовых отходов с территории частного сектора": "tko",  # noqa: E501
    "Необходимо строительство тротуара": "roads",
    "Необходимо строительство тротуара в микрорайоне ИЖС": "roads",
    "Ямы и выбоины на тротуарах": "roads",
    # Экология
    "Несанкционированные свалки твёрдых бытовых отходов": "tko",
    # Здравоохранение
    "Нарушения в вопросах установления инвалидности, обеспечения средствами реабилитации": "social",
    # Меры поддержки / льготы
    "Меры поддержки в условиях неблагоприятной эпидемиологической ситуации в сфере медицины": "health",  # noqa: E501
    "Меры поддержки в условиях неблагоприятной эпидемиологической ситуации в сфере образования": "education",  # noqa: E501
    "Меры поддержки в условиях неблагоприятной эпидемиологической ситуации в сфере торговли": "other",  # noqa: E501
    "Меры поддержки в условиях неблагоприятной эпидемиологической ситуации среднему и малому бизнесу": "other",  # noqa: E501
}


def _key(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


_TOPICS = {_key(k): v for k, v in TOPIC_SECTOR.items()}


def kursk_sector(label: str, topic: str) -> str | None:
    """The Otklik sector of a Kursk appeal, None when it has no place in the measurement."""
    key = _key(topic)
    if key in _TOPICS:
        return _TOPICS[key]
    return LABEL_SECTOR.get(_key(label), "other")
