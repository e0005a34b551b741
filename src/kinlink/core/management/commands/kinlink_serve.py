"""``kinlink serve``: migrate, then serve Kinlink on one machine (the demo and small offices).

Django's ``runserver`` without the autoreloader runs the WSGI application; static files are
served by WhiteNoise's middleware (``WHITENOISE_USE_FINDERS``), so they load with DEBUG off and
without ``collectstatic``. For a production deployment use gunicorn (docs/operator-guide.md).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Apply migrations and serve Kinlink at http://HOST:PORT/ (default 127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on")
        parser.add_argument(
            "--no-worker",
            action="store_false",
            dest="worker",
            help="do not start the background task worker beside the server",
        )
        parser.add_argument(
            "--no-migrate",
            action="store_false",
            dest="migrate",
            help="do not apply pending migrations first",
        )

    def handle(self, *args, host: str, port: int, migrate: bool, worker: bool, **options):
        if migrate:
            call_command("migrate", interactive=False, verbosity=0)
        # WhiteNoise also looks in STATIC_ROOT and warns when it does not exist.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        shown = "localhost" if host in ("127.0.0.1", "::1") else host
        self.stdout.write(
            self.style.SUCCESS(f"Kinlink is serving on http://{shown}:{port}/")
            + " — stop it with Ctrl+C."
        )
        if host not in ("127.0.0.1", "localhost", "::1") and host not in settings.ALLOWED_HOSTS:
            hosts = ", ".join(settings.ALLOWED_HOSTS)
            self.stdout.write(
                f"Requests must use a host name in ALLOWED_HOSTS ({hosts}); set the "
                "ALLOWED_HOSTS environment variable to add others."
            )
        # Matching and other long work run as tasks: one machine runs the worker beside the
        # server (production runs `kinlink worker` as its own service).
        worker_proc = (
            subprocess.Popen([sys.executable, "-m", "kinlink.cli", "worker", "--verbosity", "0"])  # noqa: S603
            if worker
            else None
        )
        try:
            call_command(
                "runserver",
                f"{host}:{port}" if ":" not in host else f"[{host}]:{port}",
                use_reloader=False,
                use_static_handler=False,  # WhiteNoise serves /static/, with DEBUG on or off
                skip_checks=False,
            )
        finally:
            if worker_proc is not None:
                worker_proc.terminate()
                worker_proc.wait(timeout=10)
