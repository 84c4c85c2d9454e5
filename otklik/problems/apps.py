from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "otklik.problems"
    verbose_name = "Реестр региональных проблем"

    def ready(self) -> None:
        # The ЦУР's list of regional problems travels the one approval route.
        from django.urls import reverse

        from otklik.approvals.registry import DocumentKind, kind_register
        from otklik.core.permissions import Action
        from otklik.problems import services

        kind_register(
            DocumentKind(
                code=services.PROBLEM_LIST,
                label="перечень региональных проблем",
                view_action=Action.PROBLEM_VIEW,
                prepare_action=Action.PROBLEM_MANAGE,
                url=lambda approval: reverse("problems:list_detail", args=[approval.target_id]),
                submitted=services.problem_list_submitted,
            )
        )
