from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "otklik.cases"
    label = "cases"
    verbose_name = "Инциденты"

    def ready(self) -> None:
        from otklik.cases.choices import WAITING_STATES
        from otklik.sla.services import pausable_states_register

        pausable_states_register(WAITING_STATES)
