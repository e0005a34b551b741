from django.core.management import call_command
from django.core.management.base import BaseCommand

from kinlink.core.scheduler import SchedulerThread


class Command(BaseCommand):
    help = "Run the background task worker and the periodic job scheduler."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between polls for new tasks"
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="run the due periodic jobs and every waiting task, then exit",
        )

    def handle(self, *args, interval, batch, verbosity, **options):
        if batch:
            from kinlink.core.scheduler import run_due

            run_due()
            call_command(
                "db_worker", batch=True, reload=False, startup_delay=False, verbosity=verbosity
            )
            return
        scheduler = SchedulerThread()
        scheduler.start()
        try:
            call_command("db_worker", interval=interval, reload=False, verbosity=verbosity)
        finally:
            scheduler.stopping.set()
