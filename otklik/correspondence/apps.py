from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "otklik.correspondence"
    verbose_name = "Запросы и поручения"

    def ready(self) -> None:
        # The final summary of a request (task) and the answer to an incoming request travel
        # the one approval route: the approvals app calls back through its registry.
        from django.urls import reverse

        from otklik.approvals.registry import DocumentKind, kind_register
        from otklik.core.permissions import Action
        from otklik.correspondence import services, services_incoming

        kind_register(
            DocumentKind(
                code=services.SUMMARY,
                label="итоговая справка по запросу (поручению)",
                view_action=Action.CORR_VIEW,
                prepare_action=Action.CORR_SEND,
                url=lambda a: reverse("correspondence:assignment", args=[a.target_id]),
            )
        )
        kind_register(
            DocumentKind(
                code=services_incoming.ANSWER,
                label="ответ на входящий запрос",
                view_action=Action.CORR_VIEW,
                prepare_action=Action.CORR_INCOMING,
                url=lambda a: reverse("correspondence:incoming", args=[a.target_id]),
                returned=services_incoming.answer_returned,
                approved=services_incoming.answer_approved,
            )
        )
        # approved, they are registered with a number and a frozen PDF
        from otklik.correspondence.printing import printed_of
        from otklik.documents.registry import renderer_register

        renderer_register(
            services.SUMMARY, printed_of, series=lambda a: f"assignment:{a.target_id}"
        )
        renderer_register(
            services_incoming.ANSWER, printed_of, series=lambda a: f"incoming:{a.target_id}"
        )
