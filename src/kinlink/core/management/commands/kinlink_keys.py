from django.core.management.base import BaseCommand

from kinlink.core import audit
from kinlink.core.keys import prepend_new_key, rotate_all


class Command(BaseCommand):
    help = (
        "Field-encryption keys. `kinlink keys new` puts a fresh key first (old keys still "
        "decrypt); `kinlink keys rotate` re-encrypts every encrypted value with the newest key, "
        "after which old keys can be removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["new", "rotate"])

    def handle(self, *args, action, **options):
        if action == "new":
            key = prepend_new_key()
            if key:
                self.stdout.write(
                    "Keys come from KINLINK_FIELD_KEYS: put this new key first there, restart, "
                    f"then run `kinlink keys rotate`:\n{key}"
                )
            else:
                self.stdout.write(
                    "new key added first in the key file; now run `kinlink keys rotate`"
                )
            return
        report = rotate_all()
        for name, n in sorted(report.columns.items()):
            if n:
                self.stdout.write(f"{name}: {n}")
        self.stdout.write(f"attachments: {report.files}")
        self.stdout.write(f"second-factor secrets: {report.secrets}")
        audit.record(
            actor=None,
            action="key_rotation",
            object_type="core.keys",
            detail={"values": report.total},
        )
        self.stdout.write(f"re-encrypted {report.total} values with the newest key")
