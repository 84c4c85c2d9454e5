"""Answers published before ``Answer.text_masked`` existed, of the cases Open311 shows (those
with a message of the ``open311`` channel: the only public read of answers), are masked now,
200 at a time, each batch its own transaction. Masking costs milliseconds a text, so the other
published answers are left to be masked the first time they are shown
(``otklik.nlp.services.texts_mask_store``)."""

from django.db import migrations, transaction
from django.db.models import Exists, OuterRef

BATCH = 200


def text_masked_fill(apps, schema_editor):
    from otklik.nlp.masking import mask_many

    Answer = apps.get_model("cases", "Answer")
    Message = apps.get_model("intake", "Message")
    open311 = Message.objects.filter(case_id=OuterRef("case_id"), channel__code="open311")
    todo = Answer.objects.filter(
        Exists(open311), published_at__isnull=False, text_masked=""
    ).order_by("pk")
    last = 0
    while True:
        batch = list(todo.filter(pk__gt=last).values_list("pk", "text")[:BATCH])
        if not batch:
            break
        masked = mask_many([text for _, text in batch])
        with transaction.atomic():
            for (pk, _), text in zip(batch, masked, strict=True):
                Answer.objects.filter(pk=pk).update(text_masked=text)
        last = batch[-1][0]


class Migration(migrations.Migration):
    atomic = False  # each batch commits by itself

    dependencies = [
        ("cases", "0005_answer_text_masked"),
        ("intake", "0005_message_text_masked_fill"),
    ]

    operations = [migrations.RunPython(text_masked_fill, migrations.RunPython.noop)]
