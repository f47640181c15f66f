"""A marker that the Sharetown demo has been loaded into this database."""

from django.db import models


class DemoLoad(models.Model):
    name = models.CharField(max_length=32, unique=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} loaded {self.loaded_at:%Y-%m-%d %H:%M}"
