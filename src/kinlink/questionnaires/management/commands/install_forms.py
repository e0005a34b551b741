"""Install the questionnaires shipped with Kinlink: the city needs survey and the research
interview instruments (stakeholder, child)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from kinlink.questionnaires.models import FormPurpose
from kinlink.questionnaires.services import form_install

FORMS = Path(__file__).resolve().parents[2] / "forms"
SHIPPED = [
    ("city_needs_survey.xlsx", FormPurpose.CITY_SURVEY),
    ("stakeholder_interview.xlsx", FormPurpose.INTERVIEW),
    ("child_interview.xlsx", FormPurpose.INTERVIEW),
]


class Command(BaseCommand):
    help = "Install (or update to a new published version) the shipped questionnaires."

    def handle(self, *args, **options):
        for filename, purpose in SHIPPED:
            version = form_install(
                data=(FORMS / filename).read_bytes(), purpose=purpose, filename=filename
            )
            self.stdout.write(f"{version.form.form_id}: version {version.number}")
