"""Near-duplicates among recent messages of the same area."""

from __future__ import annotations

from otklik.nlp.features import lemma_tokens
from otklik.nlp.stages.duplicates import DuplicateIndex

VOLZHSKY, KAMYSHIN = ("18410", None), ("18415", None)


def add(index: DuplicateIndex, key: str, text: str, area, address=None, sector="zhkh"):
    lemmas = [w for w in lemma_tokens(text) if len(w) > 2]
    return index.find_and_add(key, lemmas, area, address, sector)


def test_the_same_problem_at_the_same_address_is_offered_and_merged():
    index = DuplicateIndex()
    assert (
        add(index, "1", "Нет горячей воды третий день, ул. Мира 5", VOLZHSKY, "ул. Мира, 5") is None
    )
    found = add(index, "2", "Третьи сутки нет горячей воды! Мира 5", VOLZHSKY, "ул. Мира, 5")
    assert found == {"id": "1", "similarity": found["similarity"], "merge": True}
    assert found["similarity"] >= 0.9


def test_another_house_or_another_town_is_another_problem():
    index = DuplicateIndex()
    add(index, "1", "Нет горячей воды третий день, ул. Мира 5", VOLZHSKY, "ул. Мира, 5")
    assert (
        add(index, "2", "Нет горячей воды третий день, ул. Мира 7", VOLZHSKY, "ул. Мира, 7") is None
    )
    assert (
        add(index, "3", "Нет горячей воды третий день, ул. Мира 5", KAMYSHIN, "ул. Мира, 5") is None
    )


def test_a_repost_without_address_is_merged_a_similar_one_only_offered():
    index = DuplicateIndex()
    text = "Во второй школе дети учатся в третью смену, классы переполнены, примите меры"
    add(index, "1", text, VOLZHSKY, sector="education")
    assert add(index, "2", text, VOLZHSKY, sector="education")["merge"] is True
    other = add(
        index,
        "3",
        "Дети во второй школе учатся в третью смену, классы переполнены! Примите меры наконец",
        VOLZHSKY,
        sector="education",
    )
    assert other is not None and other["merge"] is False


def test_unrelated_messages_are_not_duplicates():
    index = DuplicateIndex()
    add(index, "1", "Нет горячей воды третий день на улице Мира", VOLZHSKY)
    assert (
        add(index, "2", "Яма на дороге у остановки, пробил колесо", VOLZHSKY, sector="roads")
        is None
    )


def test_the_window_keeps_only_recent_messages():
    index = DuplicateIndex(capacity=2)
    add(index, "1", "Нет горячей воды третий день, ул. Мира 5", VOLZHSKY, "ул. Мира, 5")
    add(index, "2", "Яма на дороге у остановки, пробил колесо", VOLZHSKY, sector="roads")
    add(index, "3", "Мусор не вывозят неделю, контейнеры полные", VOLZHSKY, sector="tko")
    assert list(index.entries) == ["2", "3"]
    assert (
        add(index, "4", "Нет горячей воды третий день, ул. Мира 5", VOLZHSKY, "ул. Мира, 5") is None
    )


def test_too_short_texts_are_skipped():
    index = DuplicateIndex()
    assert add(index, "1", "", VOLZHSKY) is None
    assert add(index, "2", "Ужас", VOLZHSKY) is None
    assert index.entries == {}
