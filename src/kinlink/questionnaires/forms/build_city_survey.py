"""Build the city needs survey (XLSForm) shipped with Kinlink: city_needs_survey.xlsx.

    .venv/bin/python src/kinlink/questionnaires/forms/build_city_survey.py

Content: DOMAIN.md section 8.3 (city profile, governance, service map, child protection,
gaps, workforce and training needs, funding, participation) plus reception, education and
health, family separation and trafficking risk, and what the city has done. Five languages:
English, Ukrainian, Russian, Arabic, French. The workbook is reproducible from this file;
commit both.
"""

from __future__ import annotations

import io
from pathlib import Path

LANGS = ["English (en)", "Українська (uk)", "Русский (ru)", "العربية (ar)", "Français (fr)"]
OUT = Path(__file__).with_name("city_needs_survey.xlsx")
FORM_ID = "kinlink_city_needs"
VERSION = "2026.1"


def T(en, uk, ru, ar, fr):  # noqa: N802 — a row of translations
    return [en, uk, ru, ar, fr]


CHOICES = {
    "yn": [
        ("yes", T("Yes", "Так", "Да", "نعم", "Oui")),
        ("no", T("No", "Ні", "Нет", "لا", "Non")),
    ],
    "freq": [
        ("weekly", T("Weekly", "Щотижня", "Еженедельно", "أسبوعيًا", "Chaque semaine")),
        ("monthly", T("Monthly", "Щомісяця", "Ежемесячно", "شهريًا", "Chaque mois")),
        ("quarterly", T("Quarterly", "Щокварталу", "Ежеквартально", "فصليًا", "Chaque trimestre")),
        ("rarely", T("Rarely", "Рідко", "Редко", "نادرًا", "Rarement")),
    ],
    "status": [
        (
            "tp",
            T(
                "Temporary protection",
                "Тимчасовий захист",
                "Временная защита",
                "الحماية المؤقتة",
                "Protection temporaire",
            ),
        ),
        (
            "asylum",
            T(
                "Asylum seekers",
                "Шукачі притулку",
                "Лица, ищущие убежища",
                "طالبو اللجوء",
                "Demandeurs d'asile",
            ),
        ),
        (
            "undocumented",
            T("Undocumented", "Без документів", "Без документов", "بدون وثائق", "Sans papiers"),
        ),
    ],
    "links": [
        (
            "cp_authority",
            T(
                "National child protection authority",
                "Національний орган захисту дітей",
                "Национальный орган защиты детей",
                "السلطة الوطنية لحماية الطفل",
                "Autorité nationale de protection de l'enfance",
            ),
        ),
        (
            "hague_ca",
            T(
                "Hague Central Authority",
                "Центральний орган за Гаазькою конвенцією",
                "Центральный орган по Гаагской конвенции",
                "السلطة المركزية بموجب اتفاقية لاهاي",
                "Autorité centrale de La Haye",
            ),
        ),
        ("none", T("None", "Жодного", "Никаких", "لا شيء", "Aucun")),
    ],
    "accom": [
        (
            "collective",
            T(
                "Collective centres",
                "Колективні центри",
                "Коллективные центры",
                "مراكز جماعية",
                "Centres collectifs",
            ),
        ),
        (
            "host_family",
            T(
                "Host families",
                "Приймаючі родини",
                "Принимающие семьи",
                "أسر مضيفة",
                "Familles d'accueil",
            ),
        ),
        (
            "municipal",
            T(
                "Municipal housing",
                "Комунальне житло",
                "Муниципальное жильё",
                "مساكن بلدية",
                "Logement municipal",
            ),
        ),
        ("hotel", T("Hotels", "Готелі", "Гостиницы", "فنادق", "Hôtels")),
    ],
    "enrol": [
        ("language", T("Language", "Мова", "Язык", "اللغة", "Langue")),
        ("documents", T("Documents", "Документи", "Документы", "الوثائق", "Documents")),
        (
            "places",
            T(
                "No school places",
                "Немає місць у школах",
                "Нет мест в школах",
                "لا توجد أماكن في المدارس",
                "Pas de places en classe",
            ),
        ),
        ("distance", T("Distance", "Відстань", "Расстояние", "المسافة", "Distance")),
    ],
    "sectors": [
        (
            "child_protection",
            T(
                "Child protection",
                "Захист дітей",
                "Защита детей",
                "حماية الطفل",
                "Protection de l'enfance",
            ),
        ),
        (
            "alt_care",
            T(
                "Alternative care",
                "Альтернативний догляд",
                "Альтернативный уход",
                "الرعاية البديلة",
                "Protection de remplacement",
            ),
        ),
        ("education", T("Education", "Освіта", "Образование", "التعليم", "Éducation")),
        (
            "ecec",
            T(
                "Early childhood",
                "Раннє дитинство",
                "Раннее детство",
                "الطفولة المبكرة",
                "Petite enfance",
            ),
        ),
        ("health", T("Health", "Охорона здоров'я", "Здравоохранение", "الصحة", "Santé")),
        (
            "mhpss",
            T(
                "Mental health and psychosocial support",
                "Психічне здоров'я і психосоціальна підтримка",
                "Психическое здоровье и психосоциальная поддержка",
                "الصحة النفسية والدعم النفسي الاجتماعي",
                "Santé mentale et soutien psychosocial",
            ),
        ),
        (
            "social_protection",
            T(
                "Social protection",
                "Соціальний захист",
                "Социальная защита",
                "الحماية الاجتماعية",
                "Protection sociale",
            ),
        ),
        ("housing", T("Housing", "Житло", "Жильё", "السكن", "Logement")),
        (
            "legal_aid",
            T(
                "Legal aid",
                "Правова допомога",
                "Юридическая помощь",
                "المساعدة القانونية",
                "Aide juridique",
            ),
        ),
        ("guardianship", T("Guardianship", "Опіка", "Опека", "الوصاية", "Tutelle")),
        (
            "language",
            T(
                "Language and interpretation",
                "Мова і переклад",
                "Язык и перевод",
                "اللغة والترجمة",
                "Langue et interprétation",
            ),
        ),
        (
            "youth",
            T(
                "Youth and leisure",
                "Молодь і дозвілля",
                "Молодёжь и досуг",
                "الشباب والترفيه",
                "Jeunesse et loisirs",
            ),
        ),
    ],
    "barriers": [
        ("legal", T("Legal", "Правові", "Правовые", "قانونية", "Juridiques")),
        ("financial", T("Financial", "Фінансові", "Финансовые", "مالية", "Financiers")),
        ("language", T("Language", "Мовні", "Языковые", "لغوية", "Linguistiques")),
        (
            "information",
            T("Information", "Інформаційні", "Информационные", "معلوماتية", "Information"),
        ),
        ("capacity", T("Capacity", "Спроможність", "Потенциал", "القدرات", "Capacités")),
    ],
    "xb": [
        (
            "iss",
            T(
                "International Social Service branch",
                "Відділення Міжнародної соціальної служби",
                "Отделение Международной социальной службы",
                "فرع الخدمة الاجتماعية الدولية",
                "Branche du Service social international",
            ),
        ),
        (
            "rfl",
            T(
                "Red Cross family links",
                "Відновлення родинних зв'язків Червоного Хреста",
                "Восстановление семейных связей Красного Креста",
                "خدمة إعادة الروابط العائلية للصليب الأحمر",
                "Rétablissement des liens familiaux (Croix-Rouge)",
            ),
        ),
        (
            "hague",
            T(
                "Hague Central Authority",
                "Центральний орган за Гаазькою конвенцією",
                "Центральный орган по Гаагской конвенции",
                "السلطة المركزية بموجب اتفاقية لاهاي",
                "Autorité centrale de La Haye",
            ),
        ),
        ("none", T("None", "Жодного", "Никаких", "لا شيء", "Aucun")),
    ],
    "topics": [
        (
            "trauma",
            T(
                "Trauma-informed practice",
                "Травмоінформована практика",
                "Практика с учётом травмы",
                "الممارسة المراعية للصدمات",
                "Pratique tenant compte des traumatismes",
            ),
        ),
        (
            "case_mgmt",
            T(
                "Child protection case management",
                "Ведення випадків захисту дітей",
                "Ведение случаев защиты детей",
                "إدارة حالات حماية الطفل",
                "Gestion des cas de protection de l'enfance",
            ),
        ),
        (
            "interpreters",
            T(
                "Working with interpreters",
                "Робота з перекладачами",
                "Работа с переводчиками",
                "العمل مع المترجمين",
                "Travailler avec des interprètes",
            ),
        ),
        (
            "inclusive_edu",
            T(
                "Inclusive education",
                "Інклюзивна освіта",
                "Инклюзивное образование",
                "التعليم الدامج",
                "Éducation inclusive",
            ),
        ),
        (
            "trafficking",
            T(
                "Identifying trafficking",
                "Виявлення торгівлі людьми",
                "Выявление торговли людьми",
                "تحديد حالات الاتجار بالبشر",
                "Identification de la traite",
            ),
        ),
        (
            "guardianship_t",
            T(
                "Guardianship of separated children",
                "Опіка над розлученими дітьми",
                "Опека над разлучёнными детьми",
                "الوصاية على الأطفال المنفصلين",
                "Tutelle des enfants séparés",
            ),
        ),
        (
            "family_tracing",
            T(
                "Family tracing and reunification",
                "Розшук і возз'єднання родин",
                "Розыск и воссоединение семей",
                "البحث عن الأسر ولمّ شملها",
                "Recherche familiale et réunification",
            ),
        ),
        (
            "data",
            T(
                "Data collection and protection",
                "Збір і захист даних",
                "Сбор и защита данных",
                "جمع البيانات وحمايتها",
                "Collecte et protection des données",
            ),
        ),
    ],
    "format": [
        ("in_person", T("In person", "Очно", "Очно", "حضوريًا", "En présentiel")),
        (
            "online",
            T(
                "Online (webinar)",
                "Онлайн (вебінар)",
                "Онлайн (вебинар)",
                "عبر الإنترنت (ندوة)",
                "En ligne (webinaire)",
            ),
        ),
        ("mixed", T("Mixed", "Змішаний", "Смешанный", "مختلط", "Mixte")),
    ],
    "funding": [
        (
            "municipal",
            T(
                "Municipal budget",
                "Міський бюджет",
                "Городской бюджет",
                "ميزانية البلدية",
                "Budget municipal",
            ),
        ),
        (
            "national",
            T(
                "National budget",
                "Державний бюджет",
                "Государственный бюджет",
                "الميزانية الوطنية",
                "Budget national",
            ),
        ),
        ("eu_amif", T("EU AMIF", "ЄС: AMIF", "ЕС: AMIF", "الاتحاد الأوروبي: AMIF", "UE : AMIF")),
        ("eu_esf", T("EU ESF+", "ЄС: ESF+", "ЕС: ESF+", "الاتحاد الأوروبي: ESF+", "UE : FSE+")),
        (
            "child_guarantee",
            T(
                "European Child Guarantee",
                "Європейська гарантія для дітей",
                "Европейская гарантия для детей",
                "الضمان الأوروبي للطفل",
                "Garantie européenne pour l'enfance",
            ),
        ),
        (
            "un_ngo",
            T(
                "UN agencies or NGOs",
                "Агенції ООН або НУО",
                "Агентства ООН или НКО",
                "وكالات الأمم المتحدة أو المنظمات غير الحكومية",
                "Agences de l'ONU ou ONG",
            ),
        ),
    ],
    "horizon": [
        (
            "emergency",
            T(
                "Emergency response",
                "Екстрене реагування",
                "Экстренное реагирование",
                "الاستجابة الطارئة",
                "Réponse d'urgence",
            ),
        ),
        (
            "integration",
            T(
                "Long-term integration",
                "Довгострокова інтеграція",
                "Долгосрочная интеграция",
                "الإدماج طويل الأمد",
                "Intégration à long terme",
            ),
        ),
    ],
}

YES = "${%s} = 'yes'"
# (type, name, label, hint, extra columns) — extra: required, relevant, constraint,
# constraint_message (translations), calculation, choice_filter, appearance, default
SURVEY = [
    # Kinlink's convention: the form's title in every language (XLSForm's form_title has one)
    (
        "note",
        "form_title",
        T(
            "City needs survey: hosting refugee children",
            "Опитування про потреби міст: прийом дітей-біженців",
            "Опрос о потребностях городов: приём детей-беженцев",
            "مسح احتياجات المدن: استقبال الأطفال اللاجئين",
            "Enquête sur les besoins des villes : accueil des enfants réfugiés",
        ),
        None,
        {},
    ),
    (
        "begin group",
        "profile",
        T("City profile", "Профіль міста", "Профиль города", "ملف المدينة", "Profil de la ville"),
        None,
        {},
    ),
    (
        "text",
        "city_name",
        T("City", "Місто", "Город", "المدينة", "Ville"),
        None,
        {"required": "yes"},
    ),
    (
        "integer",
        "population",
        T(
            "Population of the city",
            "Населення міста",
            "Население города",
            "عدد سكان المدينة",
            "Population de la ville",
        ),
        None,
        {"constraint": ". >= 0"},
    ),
    (
        "integer",
        "refugee_children",
        T(
            "Refugee and migrant children living in the city",
            "Діти-біженці та діти-мігранти, які живуть у місті",
            "Дети-беженцы и дети-мигранты, живущие в городе",
            "الأطفال اللاجئون والمهاجرون المقيمون في المدينة",
            "Enfants réfugiés et migrants vivant dans la ville",
        ),
        T(
            "Your best estimate",
            "Ваша найкраща оцінка",
            "Ваша наилучшая оценка",
            "أفضل تقدير لديكم",
            "Votre meilleure estimation",
        ),
        {"required": "yes", "constraint": ". >= 0"},
    ),
    (
        "integer",
        "uasc",
        T(
            "Of whom unaccompanied or separated",
            "З них без супроводу або розлучені",
            "Из них без сопровождения или разлучённые",
            "منهم غير المصحوبين أو المنفصلين عن ذويهم",
            "Dont non accompagnés ou séparés",
        ),
        None,
        {
            "constraint": ". >= 0 and . <= ${refugee_children}",
            "constraint_message": T(
                "Cannot exceed the number of refugee children.",
                "Не може перевищувати кількість дітей-біженців.",
                "Не может превышать число детей-беженцев.",
                "لا يمكن أن يتجاوز عدد الأطفال اللاجئين.",
                "Ne peut dépasser le nombre d'enfants réfugiés.",
            ),
            "relevant": "${refugee_children} > 0",
        },
    ),
    (
        "calculate",
        "uasc_share",
        None,
        None,
        {
            "calculation": (
                "if(${refugee_children} > 0, int(${uasc} * 100 div ${refugee_children}), '')"
            )
        },
    ),
    (
        "note",
        "uasc_share_note",
        T(
            "Unaccompanied or separated: ${uasc_share} %",
            "Без супроводу або розлучені: ${uasc_share} %",
            "Без сопровождения или разлучённые: ${uasc_share} %",
            "غير المصحوبين أو المنفصلين: ${uasc_share} %",
            "Non accompagnés ou séparés : ${uasc_share} %",
        ),
        None,
        {"relevant": "${uasc} != ''"},
    ),
    (
        "select_multiple status",
        "child_status",
        T(
            "Status of the children",
            "Статус дітей",
            "Статус детей",
            "وضع الأطفال",
            "Statut des enfants",
        ),
        None,
        {},
    ),
    (
        "integer",
        "children_disability",
        T(
            "Children with a disability",
            "Діти з інвалідністю",
            "Дети с инвалидностью",
            "الأطفال ذوو الإعاقة",
            "Enfants en situation de handicap",
        ),
        None,
        {"constraint": ". >= 0"},
    ),
    (
        "text",
        "data_sources",
        T(
            "Sources of these figures",
            "Джерела цих даних",
            "Источники этих данных",
            "مصادر هذه الأرقام",
            "Sources de ces chiffres",
        ),
        None,
        {},
    ),
    (
        "date",
        "data_date",
        T("Date of the figures", "Дата даних", "Дата данных", "تاريخ الأرقام", "Date des chiffres"),
        None,
        {"constraint": ". <= today()"},
    ),
    ("end group", "", None, None, {}),
    (
        "begin group",
        "governance",
        T("Governance", "Управління", "Управление", "الحوكمة", "Gouvernance"),
        None,
        {},
    ),
    (
        "text",
        "lead_department",
        T(
            "Lead department",
            "Провідний департамент",
            "Ведущий департамент",
            "الإدارة الرائدة",
            "Service pilote",
        ),
        None,
        {},
    ),
    (
        "select_one yn",
        "coordination_body",
        T(
            "Is there a coordination body?",
            "Чи є координаційний орган?",
            "Есть ли координационный орган?",
            "هل توجد هيئة تنسيق؟",
            "Existe-t-il un organe de coordination ?",
        ),
        None,
        {"required": "yes"},
    ),
    (
        "select_one freq",
        "coordination_frequency",
        T(
            "How often does it meet?",
            "Як часто він збирається?",
            "Как часто он собирается?",
            "كم مرة تجتمع؟",
            "À quelle fréquence se réunit-il ?",
        ),
        None,
        {"relevant": YES % "coordination_body", "required": "yes"},
    ),
    (
        "select_multiple links",
        "national_links",
        T(
            "Links with national authorities",
            "Зв'язки з національними органами",
            "Связи с национальными органами",
            "الروابط مع السلطات الوطنية",
            "Liens avec les autorités nationales",
        ),
        None,
        {
            "constraint": "not(selected(., 'none') and count-selected(.) > 1)",
            "constraint_message": T(
                "'None' cannot be combined with other answers.",
                "«Жодного» не можна поєднувати з іншими відповідями.",
                "«Никаких» нельзя сочетать с другими ответами.",
                "لا يمكن الجمع بين «لا شيء» وإجابات أخرى.",
                "« Aucun » ne peut être combiné avec d'autres réponses.",
            ),
        },
    ),
    (
        "select_one yn",
        "data_sharing",
        T(
            "Are there data-sharing agreements?",
            "Чи є угоди про обмін даними?",
            "Есть ли соглашения об обмене данными?",
            "هل توجد اتفاقيات لتبادل البيانات؟",
            "Existe-t-il des accords de partage de données ?",
        ),
        None,
        {},
    ),
    ("end group", "", None, None, {}),
    (
        "begin group",
        "reception",
        T(
            "Reception and accommodation",
            "Прийом і розміщення",
            "Приём и размещение",
            "الاستقبال والإيواء",
            "Accueil et hébergement",
        ),
        None,
        {},
    ),
    (
        "select_one yn",
        "reception_point",
        T(
            "Is there a reception point for families with children?",
            "Чи є пункт прийому для сімей з дітьми?",
            "Есть ли пункт приёма для семей с детьми?",
            "هل توجد نقطة استقبال للأسر التي لديها أطفال؟",
            "Existe-t-il un point d'accueil pour les familles avec enfants ?",
        ),
        None,
        {},
    ),
    (
        "select_multiple accom",
        "accommodation",
        T(
            "Where do the children live?",
            "Де живуть діти?",
            "Где живут дети?",
            "أين يعيش الأطفال؟",
            "Où vivent les enfants ?",
        ),
        None,
        {},
    ),
    ("end group", "", None, None, {}),
    (
        "begin group",
        "education_health",
        T(
            "Education and health",
            "Освіта і здоров'я",
            "Образование и здоровье",
            "التعليم والصحة",
            "Éducation et santé",
        ),
        None,
        {},
    ),
    (
        "integer",
        "enrolled_children",
        T(
            "Children enrolled in school",
            "Діти, зараховані до школи",
            "Дети, зачисленные в школу",
            "الأطفال المسجلون في المدارس",
            "Enfants inscrits à l'école",
        ),
        None,
        {"constraint": ". >= 0"},
    ),
    (
        "select_multiple enrol",
        "enrolment_barriers",
        T(
            "Barriers to enrolment",
            "Перешкоди для зарахування",
            "Препятствия для зачисления",
            "عوائق التسجيل",
            "Obstacles à l'inscription",
        ),
        None,
        {},
    ),
    (
        "select_one yn",
        "mhpss_available",
        T(
            "Is mental health and psychosocial support available to children?",
            "Чи доступна дітям психологічна і психосоціальна підтримка?",
            "Доступна ли детям психологическая и психосоциальная поддержка?",
            "هل تتوفر للأطفال خدمات الصحة النفسية والدعم النفسي الاجتماعي؟",
            "Un soutien psychosocial et en santé mentale est-il accessible aux enfants ?",
        ),
        None,
        {},
    ),
    ("end group", "", None, None, {}),
    (
        "begin group",
        "protection",
        T(
            "Child protection and guardianship",
            "Захист дітей і опіка",
            "Защита детей и опека",
            "حماية الطفل والوصاية",
            "Protection de l'enfance et tutelle",
        ),
        None,
        {},
    ),
    (
        "select_one yn",
        "guardianship",
        T(
            "Are guardians appointed for unaccompanied children?",
            "Чи призначаються опікуни дітям без супроводу?",
            "Назначаются ли опекуны детям без сопровождения?",
            "هل يُعيَّن أوصياء للأطفال غير المصحوبين؟",
            "Des tuteurs sont-ils désignés pour les enfants non accompagnés ?",
        ),
        None,
        {"required": "yes"},
    ),
    (
        "integer",
        "guardian_days",
        T(
            "Days until a guardian is appointed (typical)",
            "Днів до призначення опікуна (зазвичай)",
            "Дней до назначения опекуна (обычно)",
            "عدد الأيام حتى تعيين الوصي (عادةً)",
            "Jours avant la désignation d'un tuteur (en général)",
        ),
        None,
        {"relevant": YES % "guardianship", "constraint": ". >= 0 and . <= 365"},
    ),
    (
        "integer",
        "family_care_places",
        T(
            "Family-based care places (kinship, foster)",
            "Місця сімейного догляду (родичі, прийомні сім'ї)",
            "Места семейного ухода (родственники, приёмные семьи)",
            "أماكن الرعاية الأسرية (الأقارب، الحضانة)",
            "Places en accueil familial (famille élargie, famille d'accueil)",
        ),
        None,
        {"constraint": ". >= 0"},
    ),
    (
        "integer",
        "residential_places",
        T(
            "Residential care places",
            "Місця інституційного догляду",
            "Места в учреждениях интернатного типа",
            "أماكن الرعاية المؤسسية",
            "Places en établissement",
        ),
        None,
        {"constraint": ". >= 0"},
    ),
    (
        "integer",
        "detained_children",
        T(
            "Children in detention or closed facilities",
            "Діти в місцях позбавлення волі або закритих закладах",
            "Дети в местах лишения свободы или закрытых учреждениях",
            "الأطفال المحتجزون أو في مرافق مغلقة",
            "Enfants en détention ou en structure fermée",
        ),
        T("This should be 0", "Має бути 0", "Должно быть 0", "يجب أن يكون 0", "Devrait être 0"),
        {"constraint": ". >= 0"},
    ),
    (
        "select_one yn",
        "trafficking_risk",
        T(
            "Have suspected cases of trafficking or exploitation of children been identified?",
            "Чи виявлено підозрювані випадки торгівлі дітьми або їх експлуатації?",
            "Выявлены ли подозреваемые случаи торговли детьми или их эксплуатации?",
            "هل تم تحديد حالات مشتبه بها للاتجار بالأطفال أو استغلالهم؟",
            "Des cas présumés de traite ou d'exploitation d'enfants ont-ils été identifiés ?",
        ),
        None,
        {},
    ),
    (
        "integer",
        "separated_families",
        T(
            "Families separated during flight known to the city",
            "Відомі місту сім'ї, розлучені під час втечі",
            "Известные городу семьи, разлучённые во время бегства",
            "الأسر التي انفصلت أثناء الفرار والمعروفة للمدينة",
            "Familles séparées pendant la fuite connues de la ville",
        ),
        None,
        {"constraint": ". >= 0"},
    ),
    (
        "select_multiple xb",
        "crossborder_contacts",
        T(
            "Cross-border contact points",
            "Транскордонні контактні пункти",
            "Трансграничные контактные пункты",
            "نقاط الاتصال عبر الحدود",
            "Points de contact transfrontaliers",
        ),
        None,
        {},
    ),
    ("end group", "", None, None, {}),
    (
        "begin group",
        "gaps",
        T(
            "Gaps and needs",
            "Прогалини і потреби",
            "Пробелы и потребности",
            "الفجوات والاحتياجات",
            "Lacunes et besoins",
        ),
        None,
        {},
    ),
    (
        "select_multiple sectors",
        "gap_sectors",
        T(
            "Sectors with the largest gaps",
            "Сектори з найбільшими прогалинами",
            "Секторы с наибольшими пробелами",
            "القطاعات ذات الفجوات الأكبر",
            "Secteurs présentant les plus grandes lacunes",
        ),
        None,
        {},
    ),
    (
        "integer",
        "gap_severity",
        T(
            "How severe are these gaps (1–5)?",
            "Наскільки серйозні ці прогалини (1–5)?",
            "Насколько серьёзны эти пробелы (1–5)?",
            "ما مدى خطورة هذه الفجوات (1–5)؟",
            "Quelle est la gravité de ces lacunes (1–5) ?",
        ),
        None,
        {
            "relevant": "count-selected(${gap_sectors}) > 0",
            "required": "yes",
            "constraint": ". >= 1 and . <= 5",
            "constraint_message": T(
                "Between 1 and 5.", "Від 1 до 5.", "От 1 до 5.", "بين 1 و5.", "Entre 1 et 5."
            ),
        },
    ),
    (
        "select_multiple barriers",
        "barriers",
        T("Barriers", "Перешкоди", "Препятствия", "العوائق", "Obstacles"),
        None,
        {},
    ),
    (
        "text",
        "unmet_demand",
        T(
            "Unmet demand",
            "Незадоволений попит",
            "Неудовлетворённый спрос",
            "الطلب غير الملبّى",
            "Demande non satisfaite",
        ),
        None,
        {},
    ),
    ("end group", "", None, None, {}),
    (
        "begin group",
        "workforce",
        T(
            "Workforce and training",
            "Персонал і навчання",
            "Персонал и обучение",
            "القوى العاملة والتدريب",
            "Personnel et formation",
        ),
        None,
        {},
    ),
    (
        "integer",
        "social_workers",
        T(
            "Social workers working with refugee children",
            "Соціальні працівники, які працюють з дітьми-біженцями",
            "Социальные работники, работающие с детьми-беженцами",
            "الأخصائيون الاجتماعيون العاملون مع الأطفال اللاجئين",
            "Travailleurs sociaux auprès des enfants réfugiés",
        ),
        None,
        {"constraint": ". >= 0"},
    ),
    (
        "decimal",
        "caseload",
        T(
            "Average caseload per social worker",
            "Середнє навантаження на соціального працівника",
            "Средняя нагрузка на социального работника",
            "متوسط عدد الحالات لكل أخصائي اجتماعي",
            "Nombre moyen de dossiers par travailleur social",
        ),
        None,
        {"constraint": ". >= 0"},
    ),
    (
        "select_one yn",
        "supervision",
        T(
            "Is supervision available to staff?",
            "Чи є супервізія для персоналу?",
            "Доступна ли супервизия для персонала?",
            "هل يتوفر الإشراف للموظفين؟",
            "Le personnel bénéficie-t-il d'une supervision ?",
        ),
        None,
        {},
    ),
    (
        "select_multiple topics",
        "training_done",
        T(
            "Training already completed",
            "Уже пройдене навчання",
            "Уже пройденное обучение",
            "التدريب الذي تم إنجازه",
            "Formations déjà suivies",
        ),
        None,
        {},
    ),
    (
        "select_multiple topics",
        "training_needs",
        T(
            "Training needed",
            "Потрібне навчання",
            "Необходимое обучение",
            "التدريب المطلوب",
            "Formations nécessaires",
        ),
        None,
        {"required": "yes"},
    ),
    (
        "select_one topics",
        "training_priority",
        T(
            "Which of these comes first?",
            "Що з цього найважливіше?",
            "Что из этого важнее всего?",
            "أيّها يأتي أولًا؟",
            "Laquelle est prioritaire ?",
        ),
        None,
        {
            "choice_filter": "selected(${training_needs}, name)",
            "relevant": "count-selected(${training_needs}) > 1",
        },
    ),
    (
        "select_one format",
        "training_format",
        T(
            "Preferred format",
            "Бажаний формат",
            "Предпочтительный формат",
            "الصيغة المفضلة",
            "Format préféré",
        ),
        None,
        {},
    ),
    ("end group", "", None, None, {}),
    (
        "begin group",
        "funding",
        T("Funding", "Фінансування", "Финансирование", "التمويل", "Financement"),
        None,
        {},
    ),
    (
        "select_multiple funding",
        "funding_sources",
        T(
            "Sources of funding",
            "Джерела фінансування",
            "Источники финансирования",
            "مصادر التمويل",
            "Sources de financement",
        ),
        None,
        {},
    ),
    (
        "select_one yn",
        "funding_gap",
        T(
            "Is there a funding gap?",
            "Чи є дефіцит фінансування?",
            "Есть ли дефицит финансирования?",
            "هل توجد فجوة في التمويل؟",
            "Existe-t-il un déficit de financement ?",
        ),
        None,
        {},
    ),
    (
        "select_one horizon",
        "funding_horizon",
        T(
            "Time horizon of the funding",
            "Часовий горизонт фінансування",
            "Временной горизонт финансирования",
            "الأفق الزمني للتمويل",
            "Horizon du financement",
        ),
        None,
        {},
    ),
    ("end group", "", None, None, {}),
    (
        "begin group",
        "participation",
        T(
            "Participation and actions",
            "Участь і дії",
            "Участие и действия",
            "المشاركة والإجراءات",
            "Participation et actions",
        ),
        None,
        {},
    ),
    (
        "select_one yn",
        "feedback_mechanism",
        T(
            "Can children and families give feedback?",
            "Чи можуть діти і сім'ї надавати зворотний зв'язок?",
            "Могут ли дети и семьи давать обратную связь?",
            "هل يمكن للأطفال والأسر تقديم ملاحظاتهم؟",
            "Les enfants et les familles peuvent-ils donner leur avis ?",
        ),
        None,
        {},
    ),
    (
        "select_one yn",
        "child_friendly_info",
        T(
            "Is child-friendly information available?",
            "Чи є інформація, зрозуміла дітям?",
            "Есть ли информация, понятная детям?",
            "هل تتوفر معلومات ملائمة للأطفال؟",
            "Des informations adaptées aux enfants sont-elles disponibles ?",
        ),
        None,
        {},
    ),
    (
        "text",
        "actions_taken",
        T(
            "What has the city done so far?",
            "Що місто вже зробило?",
            "Что город уже сделал?",
            "ما الذي قامت به المدينة حتى الآن؟",
            "Qu'a fait la ville jusqu'à présent ?",
        ),
        None,
        {},
    ),
    (
        "select_one yn",
        "good_practice",
        T(
            "Would you share a good practice?",
            "Чи поділитеся ви доброю практикою?",
            "Поделитесь ли вы хорошей практикой?",
            "هل تودّون مشاركة ممارسة جيدة؟",
            "Souhaitez-vous partager une bonne pratique ?",
        ),
        None,
        {},
    ),
    (
        "text",
        "good_practice_text",
        T(
            "Describe the practice",
            "Опишіть практику",
            "Опишите практику",
            "صِف الممارسة",
            "Décrivez la pratique",
        ),
        None,
        {"relevant": YES % "good_practice", "required": "yes"},
    ),
    ("end group", "", None, None, {}),
]

EXTRA = ["required", "relevant", "constraint", "calculation", "choice_filter", "appearance"]


def build() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    header = ["type", "name"]
    header += [f"label::{lang}" for lang in LANGS]
    header += [f"hint::{lang}" for lang in LANGS]
    header += EXTRA + [f"constraint_message::{lang}" for lang in LANGS]
    ws.append(header)
    for kind, name, label, hint, extra in SURVEY:
        row = [kind, name]
        row += label or [""] * len(LANGS)
        row += hint or [""] * len(LANGS)
        row += [extra.get(k, "") for k in EXTRA]
        row += extra.get("constraint_message") or [""] * len(LANGS)
        ws.append(row)
    choices = wb.create_sheet("choices")
    choices.append(["list_name", "name"] + [f"label::{lang}" for lang in LANGS])
    for list_name, options in CHOICES.items():
        for name, labels in options:
            choices.append([list_name, name, *labels])
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["City needs survey", FORM_ID, VERSION, LANGS[0]])
    buf = io.BytesIO()
    wb.save(buf)
    return _stable(buf.getvalue())


def _stable(data: bytes) -> bytes:
    """Fix the timestamps openpyxl writes so the same content gives the same bytes."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re

                body = re.sub(
                    rb"<dcterms:(created|modified)([^>]*)>[^<]*<",
                    rb"<dcterms:\1\2>2026-01-01T00:00:00Z<",
                    body,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, body)
    return out.getvalue()


if __name__ == "__main__":
    OUT.write_bytes(build())
    print(f"wrote {OUT}")
