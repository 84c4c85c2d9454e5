"""How the audit log names the language pipeline's events (see ``otklik/audit/registry.py``)."""

from otklik.audit.registry import actions_register, target_register

actions_register(
    {
        "nlp.model_register": "Модель классификации обучена и зарегистрирована",
        "nlp.model_activate": "Модель классификации включена",
        "nlp.model_rollback": "Возврат к предыдущей модели классификации",
        "nlp.reprocess_start": "Запущена повторная обработка сообщений",
        "nlp.reprocess_cancel": "Повторная обработка сообщений остановлена",
    }
)
target_register("nlp.classifiermodel", label="модель классификации")
target_register("nlp.reprocessrun", label="повторная обработка")
