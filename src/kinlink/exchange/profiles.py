"""Message types of the exchange protocol and the minimum field profile of each.

DOMAIN.md 5.5 and rule 15: an outbound payload carries only the fields of its type's profile;
anything else is refused on both sides ("field outside the type's profile"). The JSON Schemas
in docs/exchange/schemas/ are generated from this module (``python -m
kinlink.exchange.schemas docs/exchange/schemas``) and a test keeps them in step.

Field kinds: ``short`` (one line, ≤ 200 characters), ``text`` (≤ 4000), ``date`` (YYYY-MM-DD),
``int`` (0–150), ``bool``, ``sex`` (female, male, other, unknown), ``countries`` (ISO 3166-1
alpha-2 codes), ``enum:a|b|c``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PROTOCOL_VERSION = "1.0"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str
    label: object
    required: bool = False


@dataclass(frozen=True)
class MessageType:
    code: str
    label: object
    fields: tuple[FieldSpec, ...]
    request: bool  # opens a cross-border request (else refers to one by ``ref``)
    article: str = ""

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _child(required: bool = True) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("child_given_name", "short", _("Child's given name"), required),
        FieldSpec("child_family_name", "short", _("Child's family name")),
        FieldSpec("child_sex", "sex", _("Child's sex")),
        FieldSpec("child_date_of_birth", "date", _("Child's date of birth")),
        FieldSpec("child_age_years", "int", _("Child's age in years")),
        FieldSpec("child_nationalities", "countries", _("Child's nationalities")),
    )


REQUEST_TYPES: tuple[MessageType, ...] = (
    MessageType(
        "referral",
        _("Referral"),
        (
            *_child(),
            FieldSpec("reason", "text", _("Reason for the referral"), True),
            FieldSpec("needs", "text", _("Needs and services requested")),
            FieldSpec("child_languages", "short", _("Languages the child speaks")),
        ),
        True,
    ),
    MessageType(
        "case_transfer",
        _("Transfer of case responsibility"),
        (
            *_child(),
            FieldSpec("bid_outcome", "text", _("Best-interests determination outcome"), True),
            FieldSpec("case_plan", "text", _("Case plan summary")),
            FieldSpec("health_needs", "text", _("Health needs")),
            FieldSpec("education_needs", "text", _("Education needs")),
            FieldSpec("reintegration_plan", "text", _("Reintegration plan"), True),
            FieldSpec("receiving_agency", "short", _("Receiving agency"), True),
            FieldSpec("travel_date", "date", _("Planned travel date")),
        ),
        True,
    ),
    MessageType(
        "social_enquiry",
        _("Social enquiry / home study"),
        (
            *_child(),
            FieldSpec("adult_name", "short", _("Adult to be assessed"), True),
            FieldSpec("adult_relationship", "short", _("Relationship to the child"), True),
            FieldSpec("adult_address", "text", _("Adult's address")),
            FieldSpec("adult_phone", "short", _("Adult's telephone")),
            FieldSpec("questions", "text", _("Questions for the assessment"), True),
            FieldSpec("child_history", "text", _("Child's prior history")),
        ),
        True,
        "Hague 1996 Art. 32",
    ),
    MessageType(
        "report_request",
        _("Request for a report on the child"),
        (
            *_child(),
            FieldSpec("connection", "text", _("Substantial connection with the child"), True),
            FieldSpec("questions", "text", _("What the report should cover"), True),
        ),
        True,
        "Hague 1996 Art. 32",
    ),
    MessageType(
        "placement_consultation",
        _("Placement consultation"),
        (
            *_child(),
            FieldSpec("child_report", "text", _("Report on the child"), True),
            FieldSpec("placement_reasons", "text", _("Reasons for the proposed placement"), True),
            FieldSpec(
                "placement_kind", "enum:foster|institution|kafala|kinship|other", _("Placement")
            ),
            FieldSpec("proposed_carer", "short", _("Proposed carer"), True),
            FieldSpec("carer_assessment", "text", _("Assessment of the carer")),
            FieldSpec("support_plan", "text", _("Support plan")),
            FieldSpec("proposed_start", "date", _("Proposed start")),
        ),
        True,
        "Hague 1996 Art. 33",
    ),
    MessageType(
        "danger_alert",
        _("Serious-danger alert"),
        (
            *_child(),
            FieldSpec("danger", "text", _("Nature of the danger"), True),
            FieldSpec("measures_taken", "text", _("Measures taken"), True),
            FieldSpec("last_known_location", "short", _("Last known location")),
        ),
        True,
        "Hague 1996 Art. 36",
    ),
    MessageType(
        "tracing_request",
        _("Tracing request"),
        (
            *_child(),
            FieldSpec("sought_name", "short", _("Name of the person sought"), True),
            FieldSpec("sought_relationship", "short", _("Relationship to the child"), True),
            FieldSpec("last_known_address", "text", _("Last known address")),
            FieldSpec("last_known_phone", "short", _("Last known telephone")),
            FieldSpec("separation_date", "date", _("Date of separation")),
            FieldSpec("separation_place", "short", _("Place of separation")),
            FieldSpec("enquirer_contact", "short", _("How to reach the enquirer")),
            FieldSpec("child_wishes", "text", _("The child's wishes")),
        ),
        True,
        "Hague 1996 Art. 31",
    ),
    MessageType(
        "information_request",
        _("Information request"),
        (
            *_child(),
            FieldSpec("information_sought", "text", _("Information sought"), True),
            FieldSpec("measure_contemplated", "text", _("Measure contemplated")),
            # Asking for the details of a likely match of an encoded tracing query
            # (docs/exchange/pprl.md): the query's ref and the partner's reference.
            FieldSpec("tracing_query_ref", "short", _("Encoded tracing query")),
            FieldSpec("tracing_reference", "short", _("Reference of the likely match")),
        ),
        True,
        "Hague 1996 Art. 34",
    ),
)

FOLLOW_ON_TYPES: tuple[MessageType, ...] = (
    MessageType(
        "acknowledgement",
        _("Acknowledgement"),
        (FieldSpec("note", "text", _("Note")),),
        False,
    ),
    MessageType(
        "response",
        _("Acceptance or refusal"),
        (
            FieldSpec("decision", "enum:accept|decline", _("Decision"), True),
            FieldSpec("reason", "text", _("Reason")),
        ),
        False,
    ),
    MessageType(
        "follow_up_report",
        _("Follow-up report"),
        (
            FieldSpec("visit_date", "date", _("Date of the visit"), True),
            FieldSpec("child_seen", "bool", _("Child seen"), True),
            FieldSpec("wellbeing", "text", _("Wellbeing")),
            FieldSpec("schooling", "text", _("Schooling")),
            FieldSpec("risks", "text", _("Risks")),
            FieldSpec("recommendation", "text", _("Recommendation")),
        ),
        False,
    ),
    MessageType(
        "status_update",
        _("Status update"),
        (
            FieldSpec("status", "enum:in_progress|completed|closed", _("Status"), True),
            FieldSpec("note", "text", _("Note")),
        ),
        False,
    ),
    MessageType(
        "restriction",
        _("Restriction (consent withdrawn or transfer revoked)"),
        (
            FieldSpec(
                "reason", "enum:consent_withdrawn|transfer_revoked|withdrawn", _("Reason"), True
            ),
            FieldSpec("note", "text", _("Note")),
        ),
        False,
    ),
    MessageType(
        "correction",
        _("Correction"),
        (FieldSpec("note", "text", _("What was corrected")),),
        False,
    ),
)

# Privacy-preserving tracing (docs/exchange/pprl.md). The query carries keyed Bloom-filter
# encodings of the sought child (kinlink.exchange.pprl), never names or dates; the result
# carries only pseudonymous references of likely matches. A query opens a request (purpose,
# legal basis and retention travel with it) but is not drafted by hand, so it is not in
# REQUEST_TYPES / REQUEST_CODES; the result is a follow-on sent by the receiver.
TRACING_TYPES: tuple[MessageType, ...] = (
    MessageType(
        "tracing_query",
        _("Encoded tracing query"),
        (
            FieldSpec("pprl_version", "short", _("Encoding version"), True),
            FieldSpec("encodings", "text", _("Keyed Bloom-filter encodings"), True),
            FieldSpec("max_results", "int", _("Most likely matches to return")),
        ),
        True,
        "Hague 1996 Art. 31",
    ),
    MessageType(
        "tracing_result",
        _("Encoded tracing result"),
        (
            FieldSpec("pprl_version", "short", _("Encoding version"), True),
            FieldSpec("match_count", "int", _("Number of likely matches"), True),
            *(FieldSpec(f"match_{i}", "short", _("Pseudonymous reference")) for i in range(1, 6)),
            *(
                FieldSpec(f"score_{i}", "int", _("Match probability (per cent)"))
                for i in range(1, 6)
            ),
        ),
        False,
    ),
)

TYPES: dict[str, MessageType] = {
    t.code: t for t in (*REQUEST_TYPES, *FOLLOW_ON_TYPES, *TRACING_TYPES)
}
REQUEST_CODES = tuple(t.code for t in REQUEST_TYPES)
LEGAL_BASES = ("consent", "vital_interest", "public_interest", "legal_obligation")
LEGAL_BASIS_LABELS = {
    "consent": _("Consent"),
    "vital_interest": _("Vital interest"),
    "public_interest": _("Important grounds of public interest"),
    "legal_obligation": _("Legal obligation (treaty)"),
}


def request_type_choices() -> list[tuple[str, object]]:
    return [(t.code, t.label) for t in REQUEST_TYPES]
