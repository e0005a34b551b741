from pathlib import Path

from kinlink.accounts.roles_doc import render


def test_docs_roles_table_matches_the_code():
    doc = Path(__file__).resolve().parents[2] / "docs" / "roles.md"
    assert doc.read_text() == render(), "run: python -m kinlink.accounts.roles_doc > docs/roles.md"
