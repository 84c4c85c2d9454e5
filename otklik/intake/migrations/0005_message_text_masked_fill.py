"""Messages analysed before ``Message.text_masked`` existed take the masked text of their
analysis (``MessageAnalysis.result["text_masked"]``), in batches of ids, each batch its own
transaction (no long lock on a large table). Nothing is masked here: a message without an
analysis is masked the first time it is shown (``otklik.nlp.services.texts_mask_store``)."""

from django.db import migrations
from django.db.models import Max, OuterRef, Subquery, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

BATCH = 5000


def text_masked_fill(apps, schema_editor):
    Message = apps.get_model("intake", "Message")
    MessageAnalysis = apps.get_model("nlp", "MessageAnalysis")
    last = MessageAnalysis.objects.aggregate(last=Max("message_id"))["last"] or 0
    masked = Coalesce(
        Subquery(
            MessageAnalysis.objects.filter(message_id=OuterRef("pk"))
            .annotate(masked=KT("result__text_masked"))
            .values("masked")[:1]
        ),
        Value(""),
    )
    for low in range(0, last + 1, BATCH):
        analysed = MessageAnalysis.objects.filter(
            message_id__gte=low, message_id__lt=low + BATCH, result__has_key="text_masked"
        ).values("message_id")
        Message.objects.filter(pk__in=analysed, text_masked="").update(
            text_masked=masked
        )


class Migration(migrations.Migration):
    atomic = False  # each batch commits by itself

    dependencies = [
        ("intake", "0004_message_text_masked"),
        ("nlp", "0002_band_area"),
    ]

    operations = [migrations.RunPython(text_masked_fill, migrations.RunPython.noop)]
