"""Abstract bases shared by every app. Core holds no domain models."""

from django.db import models


class BaseModel(models.Model):
    created_at = models.DateTimeField("создано", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        abstract = True
