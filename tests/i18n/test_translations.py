"""The interface is fully translated into ru, uk, ar and fr, and pages render in each language.

The catalogue checks are the same as ``scripts/i18n_check.py`` (which CI can run on its own):
no empty or fuzzy entry, the same placeholders in msgid and msgstr, complete plural forms,
correct headers, and no message in the sources missing from a catalogue.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from django.utils import translation

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = ["ru", "uk", "ar", "fr"]


def _load_checker():
    spec = importlib.util.spec_from_file_location("i18n_check", REPO / "scripts" / "i18n_check.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up
    spec.loader.exec_module(module)
    return module


check = _load_checker()


def _po(lang):
    return check.LOCALE / lang / "LC_MESSAGES" / "django.po"


# --------------------------------------------------------------------------- catalogues


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_is_complete_and_consistent(lang):
    problems = []
    for _root, locale, _ignore in check.catalogues():  # the main one and each app's own
        problems += check.check_po(lang, locale / lang / "LC_MESSAGES" / "django.po")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_empty_or_fuzzy_entry_and_plurals_complete(lang):
    entries = check.parse_po(_po(lang))
    head = check.header_fields(entries)
    assert head["Language"] == lang
    assert head["Content-Type"] == "text/plain; charset=UTF-8"
    n = check.nplurals(head["Plural-Forms"])
    assert n == {"ru": 3, "uk": 3, "ar": 6, "fr": 2}[lang]
    body = [e for e in entries if e.msgid and not e.obsolete]
    assert len(body) > 700
    for e in body:
        assert "fuzzy" not in e.flags, e.msgid
        if e.msgid_plural is not None:
            assert sorted(e.msgstr_plural) == list(range(n)), e.msgid
        assert all(t.strip() for t in e.translations), e.msgid


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match_in_every_entry(lang):
    for e in check.parse_po(_po(lang)):
        if not e.msgid or e.obsolete:
            continue
        want = check.placeholders(e.msgid, e.flags)
        if e.msgid_plural is not None:
            want |= check.placeholders(e.msgid_plural, e.flags)
        for text in e.translations:
            assert check.placeholders(text, e.flags) == want, (e.msgid, text)


def test_placeholder_checker_catches_mistakes():
    flags = {"python-format"}
    assert check.placeholders("Hello, %(name)s", flags) != check.placeholders("Bonjour", flags)
    assert check.placeholders("%(n)s%%", flags) == check.placeholders("%(n)s %%", flags)
    assert check.placeholders("{n} items", set()) != check.placeholders("{m} items", set())
    assert check.placeholders('<a href="%(u)s">x</a>', flags) != check.placeholders(
        "<a>x</a>", flags
    )


def test_every_source_message_is_in_every_catalogue():
    """New strings in templates or Python must be extracted and translated (makemessages)."""
    problems, _stale = check.check_sources(LANGUAGES)
    assert not problems, "\n".join(problems)


def test_plural_forms_are_used_by_django():
    """Our 3-form (ru, uk) and 6-form (ar) rules win over Django's own catalogues."""
    msg = ("%(years)s year", "%(years)s years")

    def years(lang, n):
        with translation.override(lang):
            return translation.ngettext(*msg, n) % {"years": n}

    assert [years("ru", n) for n in (1, 3, 5, 11, 21, 22)] == [
        "1 год",
        "3 года",
        "5 лет",
        "11 лет",
        "21 год",
        "22 года",
    ]
    assert [years("uk", n) for n in (1, 2, 7)] == ["1 рік", "2 роки", "7 років"]
    assert years("fr", 1) == "1 an" and years("fr", 2) == "2 ans" and years("fr", 0) == "0 an"
    assert years("ar", 5) == "5 سنوات" and years("ar", 15) == "15 سنة"


# --------------------------------------------------------------------------- rendering

EXPECTED = {
    # language: (strings on "/", strings on "/cases/register/")
    "en": (
        ["Your open cases, most urgent first", "Register a child", "Sign out"],
        ["Identification and intake", "Family members", "Given name"],
    ),
    "ru": (
        ["Ваши открытые случаи, сначала самые срочные", "Зарегистрировать ребёнка", "Выйти"],
        ["Выявление и приём", "Члены семьи", "Место происхождения", "Несопровождаемый"],
    ),
    "uk": (
        ["Ваші відкриті випадки, спершу найтерміновіші", "Зареєструвати дитину", "Вийти"],
        ["Виявлення та прийом", "Члени сім’ї", "Місце походження", "Без супроводу"],
    ),
    "ar": (
        ["حالاتك المفتوحة، الأكثر إلحاحاً أولاً", "تسجيل طفل", "تسجيل الخروج"],
        ["التعرف والاستقبال", "أفراد الأسرة", "مكان المنشأ", "غير مصحوب"],
    ),
    "fr": (
        [
            "Vos dossiers ouverts, les plus urgents d'abord",
            "Enregistrer un enfant",
            "Se déconnecter",
        ],
        ["Identification et accueil", "Membres de la famille", "Lieu d'origine", "Non accompagné"],
    ),
}
ENGLISH_ONLY = ["Your open cases, most urgent first", "Identification and intake", "Sign out"]


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("lang", ["en", *LANGUAGES])
def test_pages_render_in_the_users_language(world, login, lang):
    from django.utils.html import escape

    user = world.alice
    user.language = lang
    user.save(update_fields=["language"])
    client = login(user)
    home, register = _get(client, "/"), _get(client, "/cases/register/")
    direction = "rtl" if lang == "ar" else "ltr"
    for html in (home, register):
        assert f'<html lang="{lang}" dir="{direction}">' in html
        if lang == "ar":
            assert "bootstrap.rtl.min.css" in html
        else:
            assert "bootstrap.rtl.min.css" not in html
        # language names stay in their own language whatever the interface language
        for name in ("Русский", "Українська", "العربية", "Français"):
            assert f">{name}</option>" in html
    on_home, on_register = EXPECTED[lang]
    for text in on_home:
        assert text in home or escape(text) in home, (lang, text)
    for text in on_register:
        assert text in register or escape(text) in register, (lang, text)
    if lang != "en":
        for text in ENGLISH_ONLY:
            assert text not in home + register, (lang, text)


@pytest.mark.parametrize("lang", ["ru", "ar", "fr"])
def test_english_is_called_english_in_the_language_list(world, login, lang):
    user = world.alice
    user.language = lang
    user.save(update_fields=["language"])
    html = _get(login(user), "/")
    assert ">English</option>" in html
