from django.core.management.base import BaseCommand

from search.services import documents_rebuild


class Command(BaseCommand):
    help = (
        "Write every ticket's search document again from what it says now: after tickets were "
        "loaded around the services (a bulk import, a restored dump)."
    )

    def handle(self, *args, **options):
        written = documents_rebuild()
        self.stdout.write(f"{written} search documents written.")
