"""What the web form keeps of its own: the tracking link of each report."""

from __future__ import annotations

from django.db import models

from otklik.core.models import BaseModel


class WebReport(BaseModel):
    """One report sent through the public form: an unguessable token opens its tracking page
    (/report/track/<token>/). ``followed``: the citizen chose «это моя проблема — следить» on a
    similar open case, so the message joined that case instead of opening a new one."""

    token = models.CharField("ключ ссылки", max_length=64, unique=True)
    message = models.OneToOneField(
        "intake.Message",
        verbose_name="сообщение",
        on_delete=models.CASCADE,
        related_name="web_report",
    )
    followed = models.BooleanField("присоединился к похожему инциденту", default=False)
    survey = models.ForeignKey(
        "cases.Survey",
        verbose_name="опрос заявителя",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Опрос по опубликованному ответу для этого заявителя.",
    )

    class Meta:
        verbose_name = "сообщение с веб-формы"
        verbose_name_plural = "сообщения с веб-формы"

    def __str__(self) -> str:
        return f"web report {self.message_id}"
