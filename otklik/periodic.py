"""Every periodic job of the platform, in one place (enqueued by `otklik scheduler`)."""

from datetime import timedelta

from otklik.core.scheduling import PeriodicJob

PERIODIC_JOBS: list[PeriodicJob] = [
    PeriodicJob(
        name="cases.deadline_sweep",
        task="otklik.cases.tasks.deadline_sweep",
        every=timedelta(minutes=5),
        description="Обход сроков: предупреждения, просрочки, эскалация",
    ),
    PeriodicJob(
        name="cases.outbox_retry",
        task="otklik.cases.tasks.outbox_retry",
        every=timedelta(minutes=2),
        description="Повторная отправка ответов в каналы",
    ),
    PeriodicJob(
        name="telegram.poll",
        task="otklik.channels.telegram.tasks.poll",
        every=timedelta(minutes=1),
        description="Telegram: получение сообщений (в режиме polling)",
    ),
    PeriodicJob(
        name="vk.monitor",
        task="otklik.channels.vk.tasks.monitor",
        every=timedelta(minutes=15),
        description="ВКонтакте: поиск публикаций о проблемах региона",
    ),
    PeriodicJob(
        name="ok.poll",
        task="otklik.channels.ok.tasks.poll",
        every=timedelta(minutes=10),
        description="Одноклассники: новые темы и комментарии на странице группы",
    ),
    PeriodicJob(
        name="core.prune_task_results",
        task="otklik.core.tasks.prune_task_results",
        every=timedelta(hours=6),
        description="Удаление старых результатов фоновых задач",
    ),
    PeriodicJob(
        name="core.production_calendar_check",
        task="otklik.core.tasks.production_calendar_check",
        every=timedelta(days=1),
        description="Проверка производственного календаря следующего года",
    ),
    PeriodicJob(
        name="email.poll",
        task="otklik.channels.email.tasks.poll",
        every=timedelta(minutes=1),
        description="Приём писем из почтового ящика ЦУР (IMAP)",
    ),
    PeriodicJob(
        name="nlp.bands_prune",
        task="otklik.nlp.tasks.bands_prune",
        every=timedelta(days=1),
        description="Удаление ключей поиска похожих сообщений старше окна",
    ),
    PeriodicJob(
        name="analytics.rollups_refresh",
        task="otklik.analytics.tasks.rollups_refresh",
        every=timedelta(minutes=5),
        description="Обновление сводок аналитики за изменившиеся дни",
    ),
    PeriodicJob(
        name="analytics.alerts_refresh",
        task="otklik.analytics.tasks.alerts_refresh",
        every=timedelta(hours=6),
        description="Поиск новых проблем: необычный рост темы в МО за неделю",
    ),
    PeriodicJob(
        name="approvals.sweep",
        task="otklik.approvals.tasks.approvals_sweep",
        every=timedelta(hours=1),
        description="Согласование: напоминание в последний день шага, доклад о просрочке",
    ),
    PeriodicJob(
        name="office.indicators_refresh",
        task="otklik.office.tasks.indicators_refresh",
        every=timedelta(hours=6),
        description="Показатели ЦУР: расчёт по данным платформы за прошлый и текущий месяц",
    ),
    PeriodicJob(
        name="office.reports_sweep",
        task="otklik.office.tasks.reports_sweep",
        every=timedelta(hours=6),
        description="Отчёты проектов: черновики за прошлый месяц, доклад о непредставленных",
    ),
    PeriodicJob(
        name="office.roadmap_sweep",
        task="otklik.office.tasks.roadmap_sweep",
        every=timedelta(hours=6),
        description="Дорожная карта ЦУР: напоминание ответственному в день срока пункта",
    ),
    PeriodicJob(
        name="correspondence.sweep",
        task="otklik.correspondence.tasks.correspondence_sweep",
        every=timedelta(hours=1),
        description="Запросы и поручения: напоминание в день срока, просрочка, доклад выше",
    ),
    PeriodicJob(
        name="problems.priorities_refresh",
        task="otklik.problems.tasks.priorities_refresh",
        every=timedelta(days=1),
        description="Приоритеты региональных проблем по данным платформы",
    ),
    PeriodicJob(
        name="audit.seal",
        task="otklik.audit.tasks.audit_seal",
        every=timedelta(minutes=1),
        description="Журнал действий: добавление новых записей в цепочку хешей",
    ),
    PeriodicJob(
        name="audit.check",
        task="otklik.audit.tasks.audit_check",
        every=timedelta(minutes=15),
        description="Журнал действий: проверка последних записей цепочки, оповещение о нарушении",
    ),
]
