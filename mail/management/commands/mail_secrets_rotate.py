"""`manage.py mail_secrets_rotate`: every stored IMAP password encrypted again under the first
key of MAIL_SECRET_KEY/MAIL_SECRET_KEYS, so that the older keys can then be dropped (mail.secrets).
A password no configured key decrypts is left as it is and named: enter it again."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mail.models import SupportAddress
from mail.secrets import SecretUnavailable, secret_rotate


class Command(BaseCommand):
    help = "Encrypt every stored IMAP password again under the newest MAIL_SECRET_KEY."

    def handle(self, *args, **options):
        rotated, unreadable = 0, []
        with transaction.atomic():
            stored = SupportAddress.objects.select_for_update().exclude(imap_password="")
            for address in stored.order_by("pk"):
                try:
                    address.imap_password = secret_rotate(address.imap_password)
                except SecretUnavailable:
                    unreadable.append(address.address)
                    continue
                address.save(update_fields=["imap_password"])
                rotated += 1
        self.stdout.write(f"{rotated} password(s) encrypted under the newest key.")
        if unreadable:
            raise CommandError(f"No configured key decrypts: {', '.join(unreadable)}.")
