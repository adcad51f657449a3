"""Stored files follow their rows: when an attachment row goes (deleted on its own, or with its
ticket or board by cascade), its file is removed from storage once the deletion commits."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from workspace.models import Attachment


@receiver(post_delete, sender=Attachment)
def _delete_stored_file(sender, instance: Attachment, **kwargs) -> None:
    if instance.file.name:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))
