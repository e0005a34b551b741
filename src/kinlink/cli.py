"""The ``kinlink`` command: Django management commands plus a few of our own.

``kinlink demo`` (migrate, load demo data, serve), ``kinlink serve``,
``kinlink match CHILDREN.csv REQUESTS.csv --out MATCHES.csv``, ``kinlink audit verify``,
``kinlink keys new|rotate``; anything else is passed to Django (``kinlink migrate`` ...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    as_process = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "match":
        from kinlink.matching.cli import main as match_main
        from kinlink.matching.cli import run_and_exit

        if as_process:  # the output is complete before the index is left unfreed
            run_and_exit(argv[1:])
        return match_main(argv[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinlink.settings.base")
    from django.core.management import execute_from_command_line

    aliases = {
        "serve": "kinlink_serve",
        "demo": "kinlink_demo",
        "audit": "kinlink_audit",
        "keys": "kinlink_keys",
        "recalibrate": "kinlink_recalibrate",
        "worker": "kinlink_worker",
        "node": "kinlink_node",
    }
    if argv and argv[0] in aliases:
        argv[0] = aliases[argv[0]]
    execute_from_command_line(["kinlink", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
