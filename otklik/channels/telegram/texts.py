"""What the bot says (Russian) and its keyboards. Callback data stays under Telegram's 64 bytes:
``sv:<survey>:<solved>[:<rating>]``, ``sub:<okato>``, ``subp:<page>``, ``unsub:<okato|all>``,
``cs:1:<consent version>`` / ``cs:0`` (the consent question)."""

from __future__ import annotations

PENDING_LOCATION_MINUTES = 30
MUNICIPALITIES_PER_PAGE = 10

LOCATION_BUTTON = "📍 Отправить геопозицию"

GREETING = (
    "Здравствуйте! Это бот Центра управления регионом Волгоградской области.\n\n"
    "Напишите, что случилось и где (адрес или ориентир) — одним сообщением. "
    "Можно приложить фото: добавьте к нему подпись с описанием.\n"
    f"Чтобы указать место на карте, сначала нажмите «{LOCATION_BUTTON}» (или 📎 → Геопозиция), "
    "а затем опишите проблему: мы приложим место к вашему сообщению.\n\n"
    "Вы получите номер обращения, узнаете, когда его возьмут в работу, и получите ответ здесь.\n\n"
    "Новости вашего района: /subscribe, отписаться: /unsubscribe. "
    "Отозвать согласие на обработку персональных данных: /stop."
)

LOCATION_KEPT = (
    "Геопозиция получена. Теперь опишите проблему одним сообщением — "
    f"мы приложим к нему это место (в течение {PENDING_LOCATION_MINUTES} минут)."
)
LOCATION_ADDED = "Геопозиция добавлена к вашему сообщению{case}."
PHOTO_WITHOUT_TEXT = (
    "Фото без подписи не регистрируется. Отправьте его ещё раз с подписью: что случилось и где."
)
NO_TEXT = "Пожалуйста, опишите проблему текстом: что случилось и где."
EDITED = (
    "Изменения уже отправленного сообщения не передаются. "
    "Если нужно дополнить — напишите новое сообщение."
)
REJECTED = (
    "Не удалось прочитать сообщение. Оно сохранено и передано оператору ЦУР; "
    "если не получите номер обращения, напишите, пожалуйста, ещё раз."
)

CONSENT_AGREE, CONSENT_REFUSE = "✅ Согласен", "❌ Не согласен"
CONSENT_QUESTION = (
    "Чтобы зарегистрировать сообщение от вашего имени и ответить вам лично, ЦУР нужно ваше "
    "согласие на обработку персональных данных (152-ФЗ). Текст согласия (редакция {version}, "
    "тот же, что в веб-форме на сайте):\n\n{text}\n\n"
    "{held}Без согласия сообщение передаётся в ЦУР обезличенно — без имени и контактов, "
    "и ответить вам лично ЦУР не сможет."
)
CONSENT_HELD = "Ваше сообщение сохранено и ждёт ответа на этот вопрос ({minutes} мин). "
CONSENT_STILL_WAITING = (
    "Сообщение сохранено. Оно будет передано в ЦУР после ответа на вопрос о согласии выше "
    f"(кнопки «{CONSENT_AGREE}» / «{CONSENT_REFUSE}»)."
)
CONSENT_GIVEN = (
    "Спасибо! Согласие на обработку персональных данных записано (редакция {version}). "
    "Отозвать его можно командой /stop."
)
CONSENT_GIVEN_LATE = (
    " Сообщения, отправленные до согласия, уже переданы в ЦУР обезличенно; "
    "следующие будут зарегистрированы от вашего имени."
)
CONSENT_ALREADY = "Согласие уже записано. Отозвать его можно командой /stop."
CONSENT_STALE = "Текст согласия обновился — прочитайте, пожалуйста, новую редакцию."
CONSENT_REFUSED = (
    "Хорошо, ваши персональные данные не обрабатываются. Ваши сообщения передаются в ЦУР "
    "обезличенно, как сигнал о проблеме; ответить вам лично ЦУР не сможет. "
    "Передумаете — отправьте /start."
)
CONSENT_TIMEOUT = (
    "Ответа на вопрос о согласии не было, поэтому ваше сообщение передано в ЦУР обезличенно, "
    "как сигнал о проблеме; ответить вам лично ЦУР не сможет. Чтобы получать ответы, "
    "отправьте /start и нажмите «Согласен»."
)
ANONYMOUS_REGISTERED = (
    "Сообщение передано в ЦУР обезличенно (согласия на обработку персональных данных нет); "
    "ответить вам лично ЦУР не сможет. Дать согласие: /start."
)
CONSENT_WITHDRAWN = (
    "Согласие на обработку персональных данных отозвано. Уведомления по вашим обращениям "
    "больше не придут, новые сообщения будут передаваться в ЦУР обезличенно. "
    "Дать согласие снова: /start."
)
CONSENT_NONE = (
    "Согласия на обработку персональных данных от вас нет; сообщения передаются в ЦУР "
    "обезличенно. Дать согласие: /start."
)

OPENED = "Ваше сообщение зарегистрировано, номер {number}. Мы сообщим, когда его возьмут в работу."
JOINED = (
    "Ваше сообщение добавлено к обращению № {number}: о той же проблеме уже сообщали, "
    "ею занимаются."
)
ACCEPTED = "Обращение № {number} принято и передано ответственной организации{org}."
ASSIGNED = "Обращение № {number} передано организации{org}."
TAKEN = "По обращению № {number} начата работа."
REJECTED_CASE = "Обращение № {number} рассмотрено в ЦУР: отдельного ответа по нему не требуется."
MERGED = (
    "Обращение № {number} объединено с обращением № {into}: о той же проблеме сообщили "
    "и другие жители."
)
EXTENDED = "Срок ответа по обращению № {number} продлён на {days} дн."
REOPENED = "Обращение № {number} снова в работе."
ANSWER = "Ответ по обращению № {number}:\n\n{text}"
INTERMEDIATE = "Промежуточный ответ по обращению № {number}:\n\n{text}"
QUESTION = "Уточните, пожалуйста, сведения по вашему обращению № {number}:\n\n{text}"

SURVEY_QUESTION = "Проблема по обращению № {number} решена?"
SURVEY_RATING = "Оцените, пожалуйста, ответ от 1 (плохо) до 5 (отлично)."
SURVEY_THANKS = "Спасибо за ответ! Ваша оценка записана."
SURVEY_NOT_YOURS = "Этот опрос адресован автору обращения."
SURVEY_UNKNOWN = "Опрос не найден."

SUBSCRIBE_CHOOSE = (
    "Выберите район, новости которого хотите получать. "
    "Можно отправить геопозицию — мы предложим ближайший район."
)
SUBSCRIBED = "Вы подписаны на новости: {name}. Отписаться: /unsubscribe."
SUBSCRIBE_NEAREST = "Подписаться на новости: {name}"
UNSUBSCRIBE_CHOOSE = "Ваши подписки. Нажмите на район, чтобы отписаться:"
UNSUBSCRIBE_ALL = "Отписаться от всех"
UNSUBSCRIBED = "Вы отписались: {names}."
NO_SUBSCRIPTIONS = "У вас нет подписок на новости районов. Подписаться: /subscribe."
BACK, NEXT = "‹ Назад", "Далее ›"


def location_keyboard() -> dict:
    return {
        "keyboard": [[{"text": LOCATION_BUTTON, "request_location": True}]],
        "resize_keyboard": True,
        "is_persistent": False,
    }


def consent_keyboard(version: str) -> dict:
    return {
        "inline_keyboard": [
            [
                {"text": CONSENT_AGREE, "callback_data": f"cs:1:{version}"},
                {"text": CONSENT_REFUSE, "callback_data": "cs:0"},
            ]
        ]
    }


def survey_keyboard(survey_id: int) -> dict:
    return {
        "inline_keyboard": [
            [
                {"text": "✅ Решена", "callback_data": f"sv:{survey_id}:1"},
                {"text": "❌ Не решена", "callback_data": f"sv:{survey_id}:0"},
            ]
        ]
    }


def rating_keyboard(survey_id: int, solved: int) -> dict:
    return {
        "inline_keyboard": [
            [
                {"text": str(r), "callback_data": f"sv:{survey_id}:{solved}:{r}"}
                for r in range(1, 6)
            ],
            [{"text": "Без оценки", "callback_data": f"sv:{survey_id}:{solved}:0"}],
        ]
    }


def municipalities_keyboard(municipalities: list, page: int) -> dict:
    """``municipalities``: (okato, name) pairs in display order; two buttons a row."""
    pages = max(1, -(-len(municipalities) // MUNICIPALITIES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    chunk = municipalities[page * MUNICIPALITIES_PER_PAGE : (page + 1) * MUNICIPALITIES_PER_PAGE]
    buttons = [{"text": name, "callback_data": f"sub:{okato}"} for okato, name in chunk]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    nav = []
    if page > 0:
        nav.append({"text": BACK, "callback_data": f"subp:{page - 1}"})
    if page < pages - 1:
        nav.append({"text": NEXT, "callback_data": f"subp:{page + 1}"})
    if nav:
        rows.append(nav)
    return {"inline_keyboard": rows}
