"""Demo questionnaires: install the shipped city needs survey and interview instruments, so
the demo city official can answer the survey and the researcher can run interviews."""

from __future__ import annotations

from kinlink.questionnaires.management.commands.install_forms import FORMS, SHIPPED
from kinlink.questionnaires.services import form_install


def load(builder) -> int:
    for filename, purpose in SHIPPED:
        form_install(data=(FORMS / filename).read_bytes(), purpose=purpose, filename=filename)
    builder.say(f"Installed {len(SHIPPED)} questionnaires (city needs survey, interviews).")
    return len(SHIPPED)
