from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "otklik.cases"
    label = "cases"
    verbose_name = "Инциденты"

    def ready(self) -> None:
        from otklik.cases.choices import WAITING_STATES, Priority
        from otklik.cases.confirmed import ACCEPTED_CASES
        from otklik.cases.tasks import message_process_enqueue
        from otklik.cases.views.common import message_case_link
        from otklik.intake.selectors import register_case_linker
        from otklik.intake.services import register_message_listener
        from otklik.nlp.selectors import register_confirmed_source
        from otklik.sla.services import pausable_states_register, priorities_register

        pausable_states_register(WAITING_STATES)
        priorities_register(Priority.values)
        register_message_listener(message_process_enqueue)
        register_case_linker(message_case_link)
        register_confirmed_source(ACCEPTED_CASES)
