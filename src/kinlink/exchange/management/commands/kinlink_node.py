"""``kinlink node``: set up this node for the cross-border exchange without a Python shell.

    kinlink node init --name kz-node --country KZ --agency-code kz-cp \\
        [--agency-name "Child Protection KZ"] --endpoint https://kinlink.example.kz
    kinlink node show [--json]
    kinlink node add-partner --document FILE_OR_URL [--as USERNAME]
    kinlink node partners [--json]
    kinlink node confirm-partner ID_OR_NODE_ID --fingerprint "495A CA7D …" [--as USERNAME]

Thin: every write goes through ``kinlink.exchange.services`` (validation, audit). Partner
changes need a system administrator as the actor: ``--as USERNAME``, or the only active
system administrator of the node when there is exactly one.
"""

from __future__ import annotations

import json
import sys
import urllib.request
import uuid
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kinlink.exchange import delivery
from kinlink.exchange import services as xs
from kinlink.exchange.models import PartnerNode

MAX_DOCUMENT_BYTES = 64 * 1024


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return "; ".join(exc.messages)


class Command(BaseCommand):
    help = "Set up this node for the cross-border exchange: keys, node document, partners."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)

        init = sub.add_parser("init", help="describe this node and make its keys (idempotent)")
        init.add_argument("--name", required=True, help="node id, e.g. kz-node")
        init.add_argument("--country", required=True, help="ISO 3166-1 alpha-2 code")
        init.add_argument("--agency-code", required=True, help="code of this node's agency")
        init.add_argument(
            "--agency-name", default="", help="create the agency with this name if it is new"
        )
        init.add_argument("--endpoint", required=True, help="public https:// address")

        show = sub.add_parser("show", help="print the node document and key fingerprint")
        show.add_argument("--json", action="store_true", help="only the document, as JSON")

        add = sub.add_parser("add-partner", help="add a partner from its node document")
        add.add_argument(
            "--document", required=True, help="a file, '-' for stdin, or the partner's https URL"
        )
        add.add_argument("--as", dest="actor", default="", help="system administrator username")

        partners = sub.add_parser("partners", help="list the partner nodes")
        partners.add_argument("--json", action="store_true")

        confirm = sub.add_parser(
            "confirm-partner", help="activate a partner after the fingerprint was read to you"
        )
        confirm.add_argument("partner", help="partner id (UUID) or node id")
        confirm.add_argument("--fingerprint", required=True)
        confirm.add_argument("--as", dest="actor", default="", help="system administrator username")

    def handle(self, *args, action, **options):
        handler = getattr(self, "_" + action.replace("-", "_"))
        try:
            handler(**options)
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "not allowed") from None

    # ------------------------------------------------------------------ this node

    def _init(self, *, name, country, agency_code, agency_name, endpoint, **_):
        from kinlink.accounts.models import Agency
        from kinlink.core import audit

        country = country.strip().upper()
        with transaction.atomic():
            agency = Agency.objects.filter(code=agency_code).first()
            if agency is None:
                if not agency_name.strip():
                    raise CommandError(
                        f"No agency with code {agency_code!r}: give --agency-name to create it."
                    )
                agency = Agency(name=agency_name.strip(), code=agency_code, country=country)
                try:
                    agency.full_clean()
                except ValidationError as exc:
                    raise CommandError(_messages(exc)) from None
                agency.save()
                audit.record(actor=None, action="create", obj=agency, detail={"code": agency.code})
            elif agency.country != country:
                raise CommandError(f"Agency {agency_code!r} is in {agency.country}, not {country}.")
            xs.node_setup(
                node_id=name, country=country, agency=agency.name, endpoint=endpoint.strip()
            )
        self._print_document(xs.node_document())

    def _show(self, *, json: bool = False, **_):  # noqa: A002 - the option's name
        doc = xs.node_document()
        if doc is None:
            raise CommandError("This node is not set up yet: run `kinlink node init`.")
        if json:
            self.stdout.write(_dumps(doc))
        else:
            self._print_document(doc)

    def _print_document(self, doc: dict) -> None:
        self.stdout.write(f"Node:        {doc['node_id']} ({doc['country']}, {doc['agency']})")
        self.stdout.write(f"Inbox:       {doc['inbox']}")
        self.stdout.write(f"Fingerprint: {doc['fingerprint']}")
        self.stdout.write(
            "Partners add the document from <endpoint>/.well-known/kinlink-node and confirm the\n"
            "fingerprint above, read to them out of band (telephone, in person)."
        )

    # ------------------------------------------------------------------ partners

    def _actor(self, username: str):
        from kinlink.accounts.models import User
        from kinlink.accounts.roles import Role

        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {username!r}.")
            return user
        admins = list(User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True)[:2])
        if len(admins) != 1:
            raise CommandError("Name the system administrator who does this: --as USERNAME.")
        return admins[0]

    def _add_partner(self, *, document, actor, **_):
        user = self._actor(actor)
        doc = _load_document(document)
        partner = xs.partner_add(actor=user, document=doc)
        self.stdout.write(f"Added partner {partner.node_id} (id {partner.pk}), status pending.")
        self.stdout.write(f"Fingerprint computed from its keys: {partner.fingerprint}")
        self.stdout.write(
            "Ask the partner's administrator to read their fingerprint to you, then run\n"
            f'  kinlink node confirm-partner {partner.pk} --fingerprint "…"'
        )

    def _partners(self, *, json: bool = False, **_):  # noqa: A002
        rows = [
            {
                "id": str(p.pk),
                "node_id": p.node_id,
                "country": p.country,
                "agency": p.agency,
                "endpoint": p.endpoint,
                "status": p.status,
                "fingerprint": p.fingerprint,
            }
            for p in PartnerNode.objects.order_by("node_id")
        ]
        if json:
            self.stdout.write(_dumps(rows))
            return
        for r in rows:
            self.stdout.write(f"{r['id']}  {r['node_id']:<20} {r['status']:<10} {r['fingerprint']}")

    def _confirm_partner(self, *, partner, fingerprint, actor, **_):
        user = self._actor(actor)
        try:
            lookup = {"pk": uuid.UUID(partner)}
        except ValueError:
            lookup = {"node_id": partner}
        obj = PartnerNode.objects.filter(**lookup).first()
        if obj is None:
            raise CommandError(f"No partner {partner!r}.")
        obj = xs.partner_confirm(actor=user, partner_id=obj.pk, fingerprint=fingerprint)
        self.stdout.write(f"Partner {obj.node_id} is {obj.status}.")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


def _load_document(source: str) -> dict:
    """A node document from a file, stdin ('-') or the partner's https address (its
    /.well-known/kinlink-node, checked against the exchange trust store)."""
    if source.startswith("http://"):
        raise CommandError("Fetch node documents over https only.")
    if source.startswith("https://"):
        url = source
        if "/.well-known/" not in url and not url.endswith(".json"):
            url = url.rstrip("/") + "/.well-known/kinlink-node"
        req = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        try:
            with urllib.request.urlopen(  # noqa: S310 - https only, checked above
                req, timeout=delivery.TIMEOUT_SECONDS, context=delivery._ssl_context()
            ) as r:
                raw = r.read(MAX_DOCUMENT_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Could not fetch {url}: {exc}") from None
    elif source == "-":
        raw = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
    else:
        try:
            raw = Path(source).read_bytes()[: MAX_DOCUMENT_BYTES + 1]
        except OSError as exc:
            raise CommandError(f"Could not read {source}: {exc}") from None
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise CommandError("The node document is too large.")
    try:
        doc = json.loads(raw)
    except ValueError:
        raise CommandError("The node document is not JSON.") from None
    if not isinstance(doc, dict):
        raise CommandError("The node document must be a JSON object.")
    return doc
