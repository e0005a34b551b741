"""Common given-name variants of the region, patronymics and surname suffixes.

The equivalence classes below are hand-written for Kinlink: each line groups spellings and
forms (diminutives, other-language cognates) that a parent and a caseworker may use for the same
child. Phonetically close spellings (Muhammad/Mohammed) already meet through the phonetic keys;
the table matters for the ones that do not (Magomed/Mamed, Aleksandr/Sasha/Iskandar,
Mykola/Nikolai, Yusuf/Joseph, Olena/Yelena/Helen).
"""

from __future__ import annotations

from functools import lru_cache

from .names import TokenKeys, phonetic_keys, split_tokens, token_keys

__all__ = [
    "VARIANT_CLASSES",
    "VariantTable",
    "DEFAULT_VARIANTS",
    "is_patronymic",
    "PATRONYMIC_PARTICLES",
    "surname_roots",
]

VARIANT_CLASSES: dict[str, str] = {
    "muhammad": "Muhammad Mohammad Mohammed Muhammed Mohamed Mohamad Muhamad Muhamed Mukhammad "
    "Mukhammed Mukhamed Mokhammad Magomed Magomet Mahomed Mehmet Mehmed Mamed Mammad Mamad "
    "Muhammet Məmməd Мухаммед Мухаммад Мухамед Магомед Мамед Маммад Муҳаммад محمد",
    "aleksandr": "Aleksandr Alexander Aleksander Alexandr Alexandre Aleksandre Oleksandr Oleksa "
    "Sasha Sashko Shura Iskander Iskandar Eskandar Александр Олександр Олекса Саша Искандер "
    "Искандар ალექსანდრე Ալեքսանդր اسکندر",
    "aleksandra": "Aleksandra Alexandra Oleksandra Sasha Sashа Александра Олександра Саша",
    "ivan": "Ivan Iwan Jan Johann Giovanni John Ioann Ivane Vanya Hovhannes Ovanes Оганес Иван "
    "Іван Ваня ივანე Հովհաննես",
    "yusuf": "Yusuf Yusup Yusif Jusuf Yosef Iosif Josef Joseph Osip Yosyp Yusuph Юсуф Юсуп Иосиф "
    "Юсиф Йосип Осип يوسف",
    "ibrahim": "Ibrahim Ibragim Ibrohim Ebrahim Brahim Abraham Avraam Ибрагим Ибрахим Иброҳим "
    "Авраам ابراهيم إبراهيم",
    "hasan": "Hasan Hassan Hasson Gasan Khasan Xasan Həsən Хасан Гасан Ҳасан Ҳасан حسن",
    "husayn": "Husayn Hussein Husein Huseyn Hüseyin Huseyin Hüseyn Guseyn Gusein Khuseyn "
    "Khusein Husain Hossein Hosein Husen Xusayn Гусейн Хусейн Ҳусейн Ҳусайн Хусайн حسين حسین",
    "fatima": "Fatima Fatimah Fatma Fatemeh Fotima Fatimat Patimat Patima Фатима Фатимат Патимат "
    "Фотима فاطمة فاطمه",
    "aisha": "Aisha Aysha Ayesha Aishat Aishe Ayşe Ayshe Oysha Aiša Айша Айшат Ойша Айше "
    "عائشة عایشه",
    "sergey": "Sergey Sergei Serhiy Serhii Sergiy Sergii Serge Sergio Sergo Сергей Сергій Серго "
    "სერგო",
    "olga": "Olga Olha Olya Helga Ольга Оля",
    "nikolai": "Nikolai Nikolay Mykola Mikola Nicolas Nicholas Nikola Nikoloz Kolya Mikalai "
    "Николай Микола Коля ნიკოლოზ",
    "dmitry": "Dmitry Dmitri Dmitriy Dmitrii Dmytro Dimitri Dimitry Dima Дмитрий Дмитро Дима",
    "andrey": "Andrei Andrey Andriy Andrii Andrew Andreas Andre Andria Андрей Андрій ანდრია",
    "elena": "Yelena Elena Olena Helen Helena Hélène Alena Alyona Lena Елена Олена Алёна Алена "
    "Лена",
    "tatiana": "Tatiana Tatyana Tatjana Tetiana Tetyana Tanya Tania Татьяна Тетяна Таня",
    "yuliya": "Yuliya Yulia Julia Yuliia Iuliia Juliya Julija Julie Юлия Юлія",
    "mikhail": "Mikhail Mykhailo Mykhaylo Michael Mihail Mikheil Misha Михаил Михайло Миша "
    "მიხეილ",
    "georgiy": "Georgiy Georgy Georgii Heorhiy Heorhii George Giorgi Gevorg Kevork Георгий "
    "Георгій Геворг გიორგი Գևորգ",
    "anna": "Anna Hanna Ganna Ana Anne Hannah Анна Ганна Ханна ანა Աննա",
    "maria": "Maria Mariya Mariia Mariam Maryam Miriam Meryem Məryəm Mary Marie Мария Марія "
    "Мариам Марьям مريم مریم მარიამ Մարիամ",
    "yakov": "Yakov Yakiv Jacob Jakob Yakub Yaqub Yakup Jakub Hakob Akop Яков Яків Якуб Акоп "
    "يعقوب Հակոբ",
    "suleyman": "Suleyman Sulayman Sulaiman Suleiman Sulaymon Süleyman Solomon Сулейман Сулаймон "
    "Соломон سليمان",
    "musa": "Musa Mousa Moussa Moses Moisei Мусо Муса Моисей موسى",
    "isa": "Isa Issa Eesa Iso Иса Исо عيسى",
    "yunus": "Yunus Yunis Younes Younis Jonah Iona Юнус Иона يونس",
    "ismail": "Ismail Ismoil Ismayil Ismayıl Izmail Ismael Ishmael Esmail Исмаил Исмоил "
    "Измаил إسماعيل اسماعیل",
    "ali": "Ali Aly Əli Али علي علی",
    "umar": "Umar Omar Omer Ömer Umer Умар Омар عمر",
    "usman": "Usman Osman Uthman Usmon Othman Osmon Усман Осман Усмон عثمان",
    "abdullah": "Abdullah Abdulla Abdallah Abdollah Abdulloh Абдулла Абдулло عبدالله",
    "abdurrahman": "Abdurrahman Abdulrahman Abdurakhman Abdurahman Abdurahmon Abdirahman "
    "Abdrakhman Абдурахман Абдурахмон عبدالرحمن",
    "zaynab": "Zaynab Zainab Zeynab Zeynep Zainap Зайнаб Зейнаб Зайнап زينب زینب",
    "khadija": "Khadija Khadijah Khadizhat Khadicha Xadicha Hatice Hadija Хадижат Хадижа "
    "Хадича Хадиджа خديجة خدیجه",
    "yevgeniy": "Yevgeniy Yevgeny Evgeny Evgeniy Evgenii Yevhen Yevhenii Eugene Zhenya Евгений "
    "Євген Женя",
    "anastasia": "Anastasia Anastasiya Anastasiia Nastya Nastia Анастасия Анастасія Настя",
    "ekaterina": "Yekaterina Ekaterina Kateryna Katerina Ekaterine Catherine Katya Katia "
    "Екатерина Катерина Катя ეკატერინე",
    "natalia": "Natalia Natalya Nataliya Nataliia Natasha Natalie Наталья Наталия Наталія "
    "Наташа",
    "pavel": "Pavel Pavlo Paul Pavle Poghos Павел Павло Պողոս",
    "petr": "Pyotr Petr Petro Peter Petre Petros Пётр Петр Петро Պետրոս",
    "vladimir": "Vladimir Volodymyr Volodya Waldemar Владимир Володимир Володя",
    "aleksey": "Aleksey Alexei Alexey Aleksei Oleksiy Oleksii Alexis Алексей Олексій",
    "grigory": "Grigory Grigoriy Hryhoriy Hryhorii Gregory Grigol Grigor Григорий Григорій "
    "Григор",
    "david": "David Davit Davud Davood Dawood Davoud Dovud Давид Давуд Довуд داود Դավիթ დავით",
    "rustam": "Rustam Rostam Rustem Rüstem Рустам Рустем رستم",
    "mahmud": "Mahmud Mahmood Makhmud Mahmut Mahmoud Махмуд محمود",
    "ahmad": "Ahmad Ahmed Akhmed Akhmad Ahmet Əhməd Ahmat Ахмед Ахмад Ахмат أحمد احمد",
    "khalid": "Khalid Khaled Halid Xolid Kholid Халид Холид خالد",
    "said": "Said Saeed Saeid Sayid Sayed Seyit Саид Саид سعيد سعید",
    "mustafa": "Mustafa Mustapha Mostafa Mustofa Мустафа مصطفى مصطفی",
    "yahya": "Yahya Yahyo Yakhya Yahia Яхья Яхё يحيى یحیی",
    "hamza": "Hamza Hamzah Hamzat Khamza Xamza Хамза Хамзат حمزة حمزه",
    "amina": "Amina Aminat Amineh Aminah Emine Амина Аминат أمينة امینه",
    "elizaveta": "Yelizaveta Elizaveta Elizabeth Elisabeth Liza Yelyzaveta Елизавета Єлизавета "
    "Лиза",
    "irina": "Irina Iryna Irene Ирина Ірина",
    "bogdan": "Bogdan Bohdan Богдан",
    "yuriy": "Yuriy Yuri Yurii Yury Jurij Юрий Юрій",
    "vasiliy": "Vasily Vasiliy Vasyl Basil Василий Василь",
    "stepan": "Stepan Stefan Stephen Steven Stepane Степан",
    "jamshid": "Jamshid Jamshed Djamshed Dzhamshed Dzhamshid Jamshet Джамшед Джамшид Жамшид "
    "جمشید",
    "sofia": "Sofia Sofiya Sophia Sofiia Sofya Sopio Софья София Софія სოფიო",
    "kirill": "Kirill Kyrylo Cyril Кирилл Кирило",
    "oleg": "Oleg Oleh Олег",
    "yakub": "Yaqub Yakub Jakub Якуб",
    "nurlan": "Nurlan Nurlon Нурлан",
    "gulnara": "Gulnara Gulnora Gülnarə Гульнара Гулнора",
    "dilnoza": "Dilnoza Dilnaz Дилноза Дильназ",
    "murad": "Murad Murat Murod Мурад Мурат Мурод مراد",
    "javad": "Javad Jawad Cevdet Djavad Dzhavad Джавад جواد",
    "reza": "Reza Riza Rza Rıza Рза Риза رضا",
    "zahra": "Zahra Zohra Zuhra Zehra Zöhrə Захра Зухра Зохра زهرا زهراء",
    "khurshid": "Khurshid Xurshid Hurshid Khurshed Хуршид Хуршед خورشید",
    "bakhtiyor": "Bakhtiyor Baxtiyor Bakhtiyar Bahtiyar Бахтиёр Бахтияр",
}

PATRONYMIC_PARTICLES = frozenset(
    {"uly", "uli", "ulu", "uulu", "kyzy", "kizi", "qizi", "gizi", "kyz", "ogly", "oglu", "ogli",
     "ugli", "ogl", "ibn", "bin", "bint", "binti"}
)
_PATRONYMIC_SUFFIXES = (
    "ovich", "evich", "ovych", "evych", "ovna", "evna", "ivna", "yivna", "ichna", "ovic",
    "evic", "ovitch", "evitch", "owitsch", "ewitsch", "ovitsch", "ovicz", "ivich", "iyevich",
    "uly", "ulu", "kyzy", "kizi", "qizi", "ogly", "oglu", "ugli", "ogli",
)
_SURNAME_SUFFIXES = (
    "iyeva", "iyev", "ieva", "iev", "yeva", "yev", "ova", "eva", "ov", "ev", "skaya", "skiy",
    "skii", "sky", "skiy", "ska", "ski", "zoda", "zade", "zadeh", "zada", "yan", "ian", "uly",
    "kyzy", "ogly", "oglu", "li", "ly", "ina", "in", "i", "y",
)

_SUFFIX_ORDER: dict[str, int] = {}
for _i, _suf in enumerate(_SURNAME_SUFFIXES):
    _SUFFIX_ORDER.setdefault(_suf, _i)
_SUFFIX_LENGTHS = tuple(sorted({len(x) for x in _SURNAME_SUFFIXES}))


def is_patronymic(tok: TokenKeys) -> bool:
    """True for a token that is a patronymic (Abenovich, Ivanivna, Abenuly, ...).
    Stand-alone Turkic particles (uly, kyzy, ogly) are handled by the caller."""
    return any(len(lat) >= 6 and lat.endswith(_PATRONYMIC_SUFFIXES) for lat in tok.latin[:3])


def surname_roots(tok: TokenKeys) -> tuple[str, ...]:
    """Phonetic keys of the surname root with Slavic/Central-Asian/Persian suffixes removed
    (Rahimov, Rahimova, Rahimzoda, Rahimi → 'raham')."""
    roots: list[str] = []
    for lat in tok.latin[:3]:
        # the first suffix of _SURNAME_SUFFIXES (in its order) that ends the name and leaves
        # 3+ letters: look the name's endings up instead of trying every suffix
        best = None
        n = len(lat)
        for ln in _SUFFIX_LENGTHS:
            if n - ln < 3:
                continue
            i = _SUFFIX_ORDER.get(lat[-ln:])
            if i is not None and (best is None or i < best):
                best = i
        roots.append(lat if best is None else lat[: -len(_SURNAME_SUFFIXES[best])])
    out: list[str] = []
    for r in roots:
        out.extend(phonetic_keys(r)[:2])
    if not out and tok.skel:
        out.extend(tok.skel)
    return tuple(dict.fromkeys(out))


class VariantTable:
    """Maps name tokens to variant-class ids. Classes can be added at run time (e.g. from a
    deployment's confirmed matches)."""

    def __init__(self, classes: dict[str, str] | None = None) -> None:
        self._by_latin: dict[str, tuple[int, ...]] = {}
        self.names: list[str] = []
        self.version = 0  # bumped on every change; part of the prepared-name cache key
        for name, spellings in (classes or {}).items():
            self.add_class(name, spellings.split())

    def add_class(self, name: str, spellings: list[str] | tuple[str, ...]) -> int:
        cid = len(self.names)
        self.names.append(name)
        for sp in spellings:
            for tok in split_tokens(sp):
                for lat in token_keys(tok).latin[:1] if token_keys(tok).script != "latn" else (
                    token_keys(tok).latin
                ):
                    cur = self._by_latin.get(lat, ())
                    if cid not in cur:
                        self._by_latin[lat] = (*cur, cid)
        self.lookup.cache_clear()
        self.version += 1
        return cid

    def link(self, a: str, b: str) -> None:
        """Declare two spellings equivalent (adds them to a's class, or a new class)."""
        ta = self.classes_of_text(a)
        tb = self.classes_of_text(b)
        if ta and tb and set(ta) & set(tb):
            return
        if ta:
            cid = ta[0]
            for tok in split_tokens(b):
                lat = token_keys(tok).latin[0]
                cur = self._by_latin.get(lat, ())
                if cid not in cur:
                    self._by_latin[lat] = (*cur, cid)
            self.lookup.cache_clear()
            self.version += 1
        else:
            self.add_class(f"learned:{a}|{b}", [a, b])

    def classes_of_text(self, text: str) -> tuple[int, ...]:
        out: list[int] = []
        for tok in split_tokens(text):
            out.extend(self.lookup(token_keys(tok)))
        return tuple(dict.fromkeys(out))

    @lru_cache(maxsize=131072)  # noqa: B019 - one table per process, bounded cache
    def lookup(self, tok: TokenKeys) -> tuple[int, ...]:
        out: list[int] = []
        for lat in tok.latin:
            out.extend(self._by_latin.get(lat, ()))
        return tuple(dict.fromkeys(out))


DEFAULT_VARIANTS = VariantTable(VARIANT_CLASSES)
