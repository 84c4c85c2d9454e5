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
        from otklik.office import services, services_groups, services_plans

        def passport_url(approval) -> str:
            return reverse("office:passport", args=[approval.target_id])

        def report_url(approval) -> str:
            return reverse("office:report", args=[approval.target_id])

        def group_url(approval) -> str:
            return reverse("office:group_version", args=[approval.target_id])

        def indicator_url(approval) -> str:
            return reverse("office:indicators") + f"#i{approval.target_id}"

        kind_register(
            DocumentKind(
                code=services.PASSPORT,
                label="паспорт проекта",
                view_action=Action.OFFICE_VIEW,
                prepare_action=Action.OFFICE_PREPARE,
                url=passport_url,
                submitted=services.passport_submitted,
                returned=services.passport_returned,
                approved=services.passport_approved,
            )
        )
        kind_register(
            DocumentKind(
                code=services.REPORT,
                label="отчёт о ходе реализации",
                view_action=Action.OFFICE_VIEW,
                prepare_action=Action.OFFICE_PREPARE,
                url=report_url,
                submitted=services.report_submitted,
            )
        )
        kind_register(
            DocumentKind(
                code=services.INDICATOR,
                label="дополнительный показатель",
                view_action=Action.OFFICE_VIEW,
                prepare_action=Action.INDICATOR_MANAGE,
                url=indicator_url,
                approved=services.indicator_approved,
            )
        )
        kind_register(
            DocumentKind(
                code=services_groups.GROUP,
                label="состав рабочей (экспертной) группы",
                view_action=Action.OFFICE_VIEW,
                prepare_action=Action.OFFICE_PREPARE,
                url=group_url,
                approved=services_groups.group_approved,
            )
        )
        kind_register(
            DocumentKind(
                code=services_plans.PLAN,
                label="сводный план",
                view_action=Action.OFFICE_VIEW,
                prepare_action=Action.PLAN_PREPARE,
                url=lambda approval: reverse("office:plan", args=[approval.target_id]),
                submitted=services_plans.plan_submitted,
            )
        )
