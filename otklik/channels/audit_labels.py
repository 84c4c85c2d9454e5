"""How the audit log names the channels' events (see ``otklik/audit/registry.py``); the
adapters' own events are named here too, as the channels base describes its family."""

from otklik.audit.registry import actions_register, fields_register, target_register

actions_register(
    {
        "channel.import": "Выгрузка загружена",
        "channel.import_plan": "Выгрузка проверена (без загрузки)",
        "telegram.subscribe": "Telegram: подписка на новости района",
        "telegram.unsubscribe": "Telegram: подписка отменена",
        "telegram.consent_hold": "Telegram: сообщение ждёт согласия автора",
        "telegram.consent_refuse": "Telegram: автор не дал согласия",
        "webform.report": "Сообщение с веб-формы",
        "desk.register": "Звонок или письмо зарегистрированы оператором",
        "desk.quarantine": "Звонок или письмо оператора ушли в карантин",
    }
)
fields_register(
    {
        "consent_version": "редакция текста согласия",
        "followed": "присоединено к инциденту",
        "photos": "фотографий",
    }
)
target_register("channels_imports.importbatch", label="загрузка выгрузки")
target_register("channels_telegram.telegramchat", label="чат Telegram")
