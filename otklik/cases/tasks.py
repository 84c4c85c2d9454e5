"""Background work of the case lifecycle (thin: each calls a service)."""

from __future__ import annotations

from django_tasks import task


@task()
def message_process(message_id: int) -> dict:
    """A new message: the language pipeline understands it (when on), then it opens a case or
    joins one — with the analysis just made, handed on."""
    from django.conf import settings

    from otklik.cases.services.opening import STORED, case_open_or_join
    from otklik.intake.models import Message

    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        return {"missing": message_id}
    analysis = STORED  # the pipeline off: what it made of the message before, if anything
    if settings.OTKLIK_NLP_ON_INTAKE and message.case_id is None:
        from otklik.nlp.services.analysis import message_analyse

        analysis = message_analyse(message=message).analysis
    case, opened = case_open_or_join(message=message, analysis=analysis)
    return {"case": case.number, "opened": opened}


def message_process_enqueue(message_id: int) -> None:
    """The intake's listener of stored messages (registered in ``CasesConfig.ready()``)."""
    message_process.enqueue(message_id)


@task()
def outbox_deliver(outbox_id: int) -> str:
    from otklik.cases.outbox import outbox_deliver_one

    return outbox_deliver_one(outbox_id)


@task()
def outbox_retry() -> int:
    from otklik.cases.outbox import outbox_retry_due

    return outbox_retry_due()


@task()
def deadline_sweep() -> dict:
    from otklik.cases.services.deadlines import deadline_sweep as sweep

    return sweep()
