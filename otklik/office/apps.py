from django.apps import AppConfig


class OfficeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "otklik.office"
    verbose_name = "Проектный офис"

    def ready(self) -> None:
        # The office's documents travel the one approval route: the approvals app calls back
        # through its registry (it never imports this app).
        from django.urls import reverse

        from otklik.approvals.registry import DocumentKind, kind_register
        from otklik.core.permissions import Action
        from otklik.office import (
            services,
            services_block_reports,
            services_groups,
            services_plans,
        )

        def register(code, label, page, prepare=Action.OFFICE_PREPARE, anchor="", **hooks):
            """A kind of the office seen by ``office.view``, its page ``office:<page>`` (with
            the approval's target id, or the list's ``anchor`` and the id)."""

            def url(approval) -> str:
                if anchor:
                    return reverse(f"office:{page}") + f"#{anchor}{approval.target_id}"
                return reverse(f"office:{page}", args=[approval.target_id])

            kind_register(
                DocumentKind(
                    code=code,
                    label=label,
                    view_action=Action.OFFICE_VIEW,
                    prepare_action=prepare,
                    url=url,
                    **hooks,
                )
            )

        register(
            services.PASSPORT,
            "паспорт проекта",
            "passport",
            submitted=services.passport_submitted,
            returned=services.passport_returned,
            approved=services.passport_approved,
        )
        register(
            services.REPORT,
            "отчёт о ходе реализации",
            "report",
            submitted=services.report_submitted,
        )
        register(
            services_block_reports.BLOCK_REPORT,
            "отчёт блока о ходе реализации",
            "block_report",
            submitted=services_block_reports.block_report_submitted,
        )
        register(
            services.INDICATOR,
            "дополнительный показатель",
            "indicators",
            prepare=Action.INDICATOR_MANAGE,
            anchor="i",
            approved=services.indicator_approved,
        )
        register(
            services_groups.GROUP,
            "состав рабочей (экспертной) группы",
            "group_version",
            approved=services_groups.group_approved,
        )
        # Approved documents are registered with a number and a frozen PDF drawn from their
        # printed form (the registry calls back through its renderers).
        from otklik.documents.registry import renderer_register
        from otklik.office.printing import registered_renderers

        for code, (render, series) in registered_renderers().items():
            renderer_register(code, render, series=series)

        register(
            services_plans.PLAN,
            "сводный план",
            "plan",
            prepare=Action.PLAN_PREPARE,
            submitted=services_plans.plan_submitted,
        )
