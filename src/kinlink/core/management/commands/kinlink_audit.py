from django.core.management.base import BaseCommand, CommandError

from kinlink.core.audit import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. `kinlink audit verify` recomputes the hash chain."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **options):
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"audit chain BROKEN at entry {result.first_bad_seq}: {result.reason} "
                f"({result.checked} entries verified before it)"
            )
        self.stdout.write(f"audit chain OK: {result.checked} entries verified")
