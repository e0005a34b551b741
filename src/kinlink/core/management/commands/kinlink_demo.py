"""``kinlink demo``: migrate, load the demo data, print the demo logins, serve.

``kinlink demo --code USERNAME`` prints the current 6-digit TOTP code of a demo login, for
those without an authenticator app at hand.
"""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from kinlink.accounts.mfa import current_code
from kinlink.accounts.models import User
from kinlink.demo import DEFAULT_SEED, DEMO_PASSWORD, load, stored_totp_secret

SEED_HELP = "seed of the generated demo data (the same seed gives the same data)"


class Command(BaseCommand):
    help = (
        "Create a demo database (invented children, agencies and staff in KZ, UZ, UA, PL, IT), "
        "print the demo logins and serve Kinlink on http://127.0.0.1:8000/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="load and print, no server")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--code",
            metavar="USERNAME",
            help="print the current TOTP code of a demo login and exit",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=SEED_HELP)

    def handle(self, *args, **opts):
        if opts["code"]:
            return self.print_code(opts["code"])
        self.stdout.write("Preparing the database (migrate)…")
        call_command("migrate", interactive=False, verbosity=0)
        result = load(stdout=self.stdout, seed=opts["seed"])
        if result.created:
            self.stdout.write(f"Demo data loaded in {result.seconds:.1f} s.")
        else:
            self.stdout.write("The demo data was already loaded; nothing changed.")
        self.print_logins(result)
        if not opts["no_serve"]:
            call_command("kinlink_serve", host=opts["host"], port=opts["port"], migrate=False)

    def print_code(self, username: str) -> None:
        try:
            user = User.objects.filter(username=username).first()
        except DatabaseError as exc:
            raise CommandError("No demo database yet: run `kinlink demo` first.") from exc
        if user is None:
            raise CommandError(f"No user {username!r}.")
        secret = stored_totp_secret(user)
        if not secret:
            raise CommandError(f"{username} has no authenticator.")
        left = 30 - int(time.time()) % 30
        self.stdout.write(current_code(secret))
        self.stderr.write(f"(valid for another {left} s; the next code follows)")

    def print_logins(self, result) -> None:
        w = self.stdout.write
        c = result.counts
        w("")
        w(
            self.style.WARNING(
                "DEMO DATA ONLY — every child, family, agency and person is invented."
            )
        )
        w(self.style.WARNING("Never enter real information into this database."))
        w("")
        w(
            f"{c.get('children', 0)} children, {c.get('cases', 0)} cases "
            f"({c.get('open', 0)} open, {c.get('overdue', 0)} with an overdue deadline), "
            f"{c.get('agencies', 0)} agencies in Kazakhstan, Uzbekistan, Ukraine, Poland, Italy."
        )
        w("")
        w(f"Demo logins — the password of each is: {DEMO_PASSWORD}")
        headers = ("Role", "Username", "Password", "TOTP secret", "Agency — office")
        rows = [
            (
                x.role,
                x.username,
                x.password,
                x.totp_secret,
                x.agency + (f" — {x.office}" if x.office != "—" else ""),
            )
            for x in result.logins
        ]
        widths = [max(len(str(r[i])) for r in (headers, *rows)) for i in range(4)]

        def line(r):
            return "  ".join(str(v).ljust(widths[i]) for i, v in enumerate(r[:4])) + "  " + r[4]

        w(self.style.MIGRATE_HEADING(line(headers)))
        for r in rows:
            w(line(r))
        w("")
        w("Second factor: add the TOTP secret to any authenticator app (manual entry, time-based),")
        w("or print the current 6-digit code with:  kinlink demo --code USERNAME")
        w(
            "Office staff (e.g. dana.seitkali, olena.bondar, anna.nowicka, giulia.conti) share the"
            " password and have authenticators too: use --code with their usernames."
        )
        w("")
