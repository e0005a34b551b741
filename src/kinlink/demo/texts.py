"""Short texts the demo caseworkers write: concerns, findings, plans, notes (invented)."""

from __future__ import annotations

# fmt: off
CONCERNS = {
    "unaccompanied": (
        "Travelling alone; slept at the railway station for several nights.",
        "Arrived at the border crossing without an adult; says an uncle was to meet him.",
        "Working in a market for food and a place to sleep; no adult responsible.",
        "Found by the police on a night bus; has no documents and no money.",
    ),
    "separated": (
        "Lost contact with the mother during the evacuation; now with an aunt.",
        "Living with an older relative who says she cannot care for the child much longer.",
        "Separated from the parents at a checkpoint; travelling with a neighbour's family.",
    ),
    "left_behind": (
        "Both parents work abroad; the grandmother is ill and struggles to cope.",
        "Parents in seasonal work abroad for two years; school reports frequent absence.",
        "Remittances stopped three months ago; the household has no income.",
    ),
    "accompanied": (
        "Family without legal status; the child is not enrolled in school.",
        "Mother alone with three children in a collective centre; signs of distress.",
        "The family lives in an overcrowded flat; the child works after school.",
    ),
    "none": (
        "School reports neglect: the child comes hungry and without winter clothes.",
        "Neighbours reported violence at home; the child is afraid to go home.",
        "The child has run away from home twice this month.",
    ),
}

URGENT_NEEDS = (
    "Safe place to sleep tonight", "Medical check-up", "Warm clothes and food",
    "Interpreter", "Contact with family", "Psychological first aid", "",
)

FINDINGS = {
    "safety": ("Safe in the current placement.", "Exposed to exploitation at work.",
               "No safe adult at night."),
    "health": ("Good general health.", "Needs dental care.", "Asthma; has an inhaler.",
               "Vaccinations incomplete."),
    "education": ("Out of school for a year.", "Attends school irregularly.",
                  "Enrolled and attending.", "Needs language classes."),
    "family": ("Regular contact with the mother by phone.", "No contact with the family.",
               "Grandmother willing but unwell.", "Aunt is a willing caregiver."),
    "psychosocial": ("Withdrawn, sleeps badly.", "Sociable, plays football with others.",
                     "Anxious about the parents."),
    "legal": ("No identity documents.", "Asylum claim not yet lodged.",
              "Birth not registered.", "Documents held by the caregiver."),
    "economic": ("Household depends on remittances.", "No income.",
                 "Receives a small benefit."),
}

CHILD_VIEWS = (
    "Wants to live with the mother again.",
    "Wants to go to school and to stay with the grandmother.",
    "Wants to travel on to join the brother.",
    "Wants to stay here and learn the language.",
    "Does not want to go home; would like to stay with the aunt.",
    "Misses the father and wants to talk to him every week.",
)

GOALS = {
    "unaccompanied": (
        ("Trace the family and restore contact", "family",
         (("Open a tracing request with the partner agency", "Cross-border coordinator"),
          ("Weekly phone contact once found", "Caseworker"))),
        ("A guardian is appointed", "legal",
         (("Apply to the guardianship authority", "Caseworker"),)),
        ("Safe interim care", "safety",
         (("Place in a small group home or foster family", "Supervisor"),)),
    ),
    "separated": (
        ("Reunify with the parents", "family",
         (("Verify the relationship and the mother's situation", "Caseworker"),
          ("Plan travel and a reunification visit", "Cross-border coordinator"))),
        ("Support the kinship carer", "family",
         (("Cash assistance application", "Social protection office"),)),
    ),
    "left_behind": (
        ("Stable care with the grandparent while the parents work abroad", "family",
         (("Monthly home visit", "Caseworker"), ("Video call with the parents weekly",
                                                 "Grandmother"))),
        ("Regular school attendance", "education",
         (("Meeting with the class teacher", "Caseworker"),)),
    ),
    "accompanied": (
        ("Documents and legal status", "legal",
         (("Legal aid appointment", "Legal aid service"),)),
        ("Enrol in school", "education", (("Enrolment with the district school", "Mother"),)),
    ),
    "none": (
        ("Safe at home", "safety", (("Family support sessions", "Family centre"),)),
        ("Psychosocial support", "psychosocial",
         (("Eight sessions with the counsellor", "Counselling service"),)),
    ),
}
COMMON_GOALS = (
    ("Health check and vaccinations", "health", (("Appointment at the clinic", "Caseworker"),)),
    ("Psychosocial support", "psychosocial", (("Group sessions twice a month",
                                               "Child-friendly space"),)),
)

# Notes in the language the office works in.
NOTES = {
    "ru": (
        "Позвонила бабушке, договорились о визите в четверг.",
        "Ребёнок спокоен, ходит в школу. Нужна зимняя обувь.",
        "Связались с отцом по телефону, он работает в Екатеринбурге.",
    ),
    "uk": (
        "Зателефонувала тітці, вона готова доглядати дитину.",
        "Дитина відвідує школу онлайн; потрібен планшет.",
        "Мати знайдена у Польщі, чекаємо підтвердження.",
    ),
    "pl": (
        "Rozmowa z matką przez tłumacza; dziecko czuje się dobrze.",
        "Złożono wniosek o numer PESEL ze statusem UKR.",
        "Dziecko zapisane do szkoły od poniedziałku.",
    ),
    "it": (
        "Colloquio con il ragazzo e il mediatore culturale.",
        "Nominato il tutore volontario; prima visita fissata.",
        "Il ragazzo frequenta il corso di italiano tutti i giorni.",
    ),
    "uz": (
        "Buvisi bilan gaplashdim, bola maktabga qatnayapti.",
        "Ota-onasi Rossiyada ishlaydi, har hafta qoʻngʻiroq qilishadi.",
    ),
    "en": (
        "Spoke with the child with an interpreter; feels safe in the placement.",
        "Referral to the health centre made.",
        "Family contact by video call went well.",
    ),
}

VISIT_NOTES = (
    "Child seen at home; doing well at school.",
    "Child seen with the caregiver; some tension, agreed next steps.",
    "Child seen at the centre; attends activities regularly.",
    "Met the child at school with the teacher.",
)
NOT_SEEN = (
    "Nobody at home; neighbours say the family travelled.",
    "Child at work; caregiver asked to bring the child next time.",
    "Child in hospital for a check-up.",
)

CLOSURE_NOTES = {
    "goals_met": "All goals of the plan achieved; the family copes well.",
    "reunified_stable": "Reunified with the mother; two follow-up visits confirm it is stable.",
    "turned_18": "Turned 18; referred to youth services with a transition plan.",
    "transferred": "Transferred to the partner agency in the city where the family moved.",
    "relocated_lost_contact": "Family moved; three documented attempts to find them failed.",
    "declined_services": "The family declined further services after the situation improved.",
    "repatriated": "Returned home safely; the partner agency there took over follow-up.",
    "other": "Case merged into the sibling's case at the supervisor's request.",
}
# fmt: on
