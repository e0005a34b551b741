"""Printing a case summary is allowed in the view scope and leaves a 'print' audit entry."""

from kinlink.core.models import AuditEvent

from ..conftest import register


def test_print_is_audited_and_scoped(world, login):
    case = register(world.alice)
    client = login(world.alice)
    resp = client.get(f"/cases/{case.pk}/print/")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "Мухаммед" in body and "CONFIDENTIAL" in body
    assert (
        AuditEvent.objects.filter(actor=world.alice, action="print", object_id=str(case.pk)).count()
        == 1
    )
    assert login(world.bob).get(f"/cases/{case.pk}/print/").status_code == 404
    assert not AuditEvent.objects.filter(actor=world.bob, action="print").exists()
    assert login(world.max).get(f"/cases/{case.pk}/print/").status_code == 200
