"""The PDF of an approved release: only when approved, logged, with the parameters, the
approval, the definitions and the suppression marks; right to left in Arabic."""

from __future__ import annotations

import pytest
import weasyprint

from kinlink.core.models import AuditEvent
from kinlink.stats import services as ss

from .test_releases import build, many  # noqa: F401  (the 27-children fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(world, many):  # noqa: F811
    release = build(world, breakdowns=["nationality"])
    ss.release_submit(actor=world.stan, release_id=release.pk)
    ss.release_decide(actor=world.max, release_id=release.pk, approve=True)
    return release


@pytest.fixture
def html_of(monkeypatch):
    """Capture the HTML handed to WeasyPrint (the PDF itself is checked once for real)."""
    seen = {}
    real = weasyprint.HTML

    def capture(*args, **kwargs):
        seen["html"] = kwargs.get("string", "")
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", capture)
    return seen


def test_a_draft_has_no_pdf(world, many, login):  # noqa: F811
    release = build(world)
    resp = login(world.stan).get(f"/statistics/releases/{release.pk}/export/pdf/")
    assert resp.status_code == 409
    assert not AuditEvent.objects.filter(object_id=str(release.pk), action="export").exists()


def test_the_pdf_carries_tables_marks_parameters_and_approval(world, approved, login, html_of):
    resp = login(world.rita).get(f"/statistics/releases/{approved.pk}/export/pdf/")
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF-")
    assert 'filename="kinlink-KZ-2024-01-01-2024-12-31-v1.pdf"' in resp["Content-Disposition"]
    event = AuditEvent.objects.filter(object_id=str(approved.pk), action="export").latest("pk")
    assert event.actor == world.rita and event.detail["format"] == "pdf"

    html = html_of["html"]
    assert approved.title in html and approved.content_hash in html
    assert f"by {world.max} on" in html  # who approved it
    assert "Children whose case was registered during the period" in html  # the definition
    assert 'class="suppressed">×<' in html  # 10-14 cells (3 and 3) are suppressed
    for hidden in ("<td>3</td>", "<td>6</td>"):
        assert hidden not in html
    assert "<td>27</td>" in html  # the grand total is published
    assert 'dir="ltr"' in html


def test_the_pdf_in_arabic_is_right_to_left(world, approved, login, html_of):
    resp = login(world.rita).get(
        f"/statistics/releases/{approved.pk}/export/pdf/", HTTP_ACCEPT_LANGUAGE="ar"
    )
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF-")
    assert 'dir="rtl"' in html_of["html"] and 'lang="ar"' in html_of["html"]


def test_the_release_page_offers_the_pdf(world, approved, login):
    page = login(world.max).get(f"/statistics/releases/{approved.pk}/").content.decode()
    assert f"/statistics/releases/{approved.pk}/export/pdf/" in page
