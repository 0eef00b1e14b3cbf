"""Labelled evaluation set for identity resolution (synthetic; deterministic per seed).

``make_evaluation_set(n_persons, seed)`` invents ``n_persons`` people (about 60 % Russian,
the rest Finnish, Swedish, Norwegian, Danish, Icelandic, Estonian, Latvian and
Lithuanian), their organisations, and 1–12 registrations each across events, and writes
each registration the way real forms come in:

* Russian names in Cyrillic or in Latin, in the person's own passport system (ICAO 2013,
  MVD 1997, BGN/PCGN, the popular "Alexey"/"Xenia" spellings) and now and then in another
  one (ISO 9 with diacritics included); ё written as е; patronymic given, missing, or
  inside ``full_name``; first/last swapped between the columns; ``full_name`` only, as
  "Last First Patronymic" or "First Last"; SURNAME in capitals;
* Nordic/Baltic names with or without their letters (Jääskeläinen/Jaaskelainen,
  Sørensen/Sorensen/Soerensen, Þórsdóttir/Thorsdottir);
* one-letter typos (substitution, deletion, doubling, transposition) in about 4 % of rows;
* work vs private email (a person has up to two and picks one per registration, or none),
  email in odd case, Gmail dot/+tag and Yandex domain aliases;
* phones in several formats (+7 912 …, 8 (912) …, +358 40 …, 040 …);
* organisations with and without their legal forms (ООО, АНО, ГБУК, МБУК, ФГБОУ ВО,
  "Общество с ограниченной ответственностью", Oy, Oyj, "Oy … Ab", AB, AS, ApS, A/S, ehf.,
  OÜ, MTÜ, SIA, UAB, VšĮ, LLC, Ltd), quotes «» "" „“, case, transliteration variants and
  occasional typos; some people change organisation (and work email) over time;
* duplicate submissions within one event.

Hard negatives that protect precision: common names shared by *different* people in
different organisations (two distinct «Иванова Елена»), a shared ``info@`` mailbox used by
colleagues, families sharing one private mailbox (Иванов Сергей / Иванова Елена), and an
assistant registering a colleague with the assistant's own email.

What cannot be resolved is generated too, at rates meant to be plausible for event
registrations: about 9 % of rows without email, 7 % of people without an organisation
(and 3 % of rows with the field left empty), 4 % who change organisation, work and private
addresses used side by side.  So even perfect identifier-based rules stay below 100 %
recall (``bench/identity_eval.py`` prints that ceiling).  One assumption: namesakes never
work in the same organisation (two "Mikko Virtanen" at one small company, without email
or phone, cannot be told apart by anyone).

``truth`` maps every ``registration_id`` to ``true_person_id``.  Everything comes from one
``random.Random(seed)``: the same arguments give the same frames.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl

from pipelines.registrations.transliteration import transliterate as _transliterate

__all__ = ["make_evaluation_set"]


@lru_cache(maxsize=100_000)
def transliterate(text: str | None, system: str) -> str | None:
    return _transliterate(text, system)


# --------------------------------------------------------------------------- name pools

RU_MALE = """Александр Алексей Андрей Антон Артём Борис Вадим Валерий Василий Виктор
Виталий Владимир Владислав Вячеслав Геннадий Георгий Григорий Даниил Денис Дмитрий Евгений
Егор Иван Игорь Илья Кирилл Константин Леонид Максим Матвей Михаил Никита Николай Олег
Павел Пётр Роман Руслан Семён Сергей Станислав Степан Тимофей Фёдор Юрий Ярослав Аркадий
Глеб Лев""".split()
RU_FEMALE = """Александра Алёна Алина Алла Анастасия Ангелина Анна Валентина Валерия Вера
Вероника Виктория Галина Дарья Диана Евгения Екатерина Елена Елизавета Жанна Зоя Инна Ирина
Карина Кристина Ксения Лариса Любовь Людмила Маргарита Марина Мария Надежда Наталья Нина
Оксана Олеся Ольга Полина Светлана София Тамара Татьяна Ульяна Юлия Яна Василиса Дарина""".split()
RU_SURNAMES = """Смирнов Иванов Кузнецов Соколов Попов Лебедев Козлов Новиков Морозов Петров
Волков Соловьёв Васильев Зайцев Павлов Семёнов Голубев Виноградов Богданов Воробьёв Фёдоров
Михайлов Беляев Тарасов Белов Комаров Орлов Киселёв Макаров Андреев Ковалёв Ильин Гусев
Титов Кузьмин Кудрявцев Баранов Куликов Алексеев Степанов Яковлев Сорокин Сергеев Романов
Захаров Борисов Королёв Герасимов Пономарёв Григорьев Лазарев Медведев Ершов Никитин Соболев
Рябов Поляков Цветков Данилов Жуков Фролов Журавлёв Николаев Крылов Максимов Сидоров
Осипов Белоусов Федотов Дорофеев Егоров Матвеев Бобров Дмитриев Калинин Анисимов Петухов
Антонов Тимофеев Никифоров Веселов Филиппов Марков Большаков Суханов Миронов Ширяев
Александров Коновалов Шестаков Казаков Ефимов Денисов Громов Фомин Давыдов Мельников
Щербаков Блинов Колесников Карпов Афанасьев Власов Маслов Исаков Тихонов Аксёнов Гаврилов
Родионов Котов Горбунов Кудряшов Быков Зуев Третьяков Савельев Панов Рыбаков Суворов
Абрамов Воронов Мухин Архипов Трофимов Мартынов Емельянов Горшков Чернов Овчинников
Селезнёв Панфилов Копылов Михеев Галкин Назаров Лобанов Лукин Беляков Потапов Некрасов
Хохлов Жданов Наумов Шилов Воронцов Ермаков Дроздов Игнатьев Савин Логинов Сафонов Капустин
Кириллов Моисеев Елисеев Кошелев Костин Горбачёв Орехов Ефремов Исаев Евдокимов Калашников
Кабанов Носков Юдин Кулагин Лапин Прохоров Нестеров Харитонов Агафонов Муравьёв Ларионов
Федосеев Зимин Пахомов Шубин Игнатов Филатов Крюков Рогов Кулаков Терентьев Молчанов
Владимиров Артемьев Гурьев Зиновьев Гришин Кононов Дементьев Ситников Симонов Мишин Фадеев
Комиссаров Мамонтов Носов Гуляев Шаров Устинов Вишняков Евсеев Лаврентьев Брагин Константинов
Корнилов Авдеев Зыков Бирюков Шарапов Никонов Щукин Дьячков Одинцов Сазонов Якушев Красильников
Гордеев Самойлов Князев Беспалов Уваров Шашков Бобылёв Доронин Белозёров Рожков Самсонов
Мясников Лихачёв Буров Сысоев Фомичёв Русаков Стрелков Гущин Тетерин Колобов Субботин Фокин
Блохин Селиверстов Пестов Кондратьев Силин Меркушев Лыткин Туров Вяземский Островский
Троицкий Толстой Лановой Черных Седых Белых Шевченко Бондаренко Ткаченко Кравченко Цой""".split()
RU_PATRONYMIC = {
    "Александр": ("Александрович", "Александровна"), "Алексей": ("Алексеевич", "Алексеевна"),
    "Андрей": ("Андреевич", "Андреевна"), "Борис": ("Борисович", "Борисовна"),
    "Василий": ("Васильевич", "Васильевна"), "Виктор": ("Викторович", "Викторовна"),
    "Владимир": ("Владимирович", "Владимировна"), "Геннадий": ("Геннадьевич", "Геннадьевна"),
    "Григорий": ("Григорьевич", "Григорьевна"), "Дмитрий": ("Дмитриевич", "Дмитриевна"),
    "Евгений": ("Евгеньевич", "Евгеньевна"), "Иван": ("Иванович", "Ивановна"),
    "Игорь": ("Игоревич", "Игоревна"), "Илья": ("Ильич", "Ильинична"),
    "Константин": ("Константинович", "Константиновна"), "Михаил": ("Михайлович", "Михайловна"),
    "Николай": ("Николаевич", "Николаевна"), "Олег": ("Олегович", "Олеговна"),
    "Павел": ("Павлович", "Павловна"), "Пётр": ("Петрович", "Петровна"),
    "Сергей": ("Сергеевич", "Сергеевна"), "Юрий": ("Юрьевич", "Юрьевна"),
    "Фёдор": ("Фёдорович", "Фёдоровна"), "Лев": ("Львович", "Львовна"),
    "Аркадий": ("Аркадьевич", "Аркадьевна"), "Леонид": ("Леонидович", "Леонидовна"),
    "Вячеслав": ("Вячеславович", "Вячеславовна"), "Анатолий": ("Анатольевич", "Анатольевна"),
}

NORDIC_NAMES: dict[str, tuple[list[str], list[str], list[str]]] = {
    # country: (male first names, female first names, surnames; female forms derived below)
    "FI": (
        "Mikko Juha Jukka Matti Timo Kari Antti Ville Janne Sami Tuomas Lauri Jussi Pekka Olli Teemu Eero Väinö".split(),
        "Anna Maria Tiina Laura Sanna Johanna Hanna Kaisa Riikka Minna Päivi Satu Heidi Elina Aino Kerttu Sini Jenni".split(),
        "Virtanen Korhonen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen Lehtonen Lehtinen Saarinen Salminen Heinonen Niemi Heikkilä Kinnunen Salonen Turunen Jääskeläinen Räsänen Väisänen Pöyhönen Kärkkäinen Salo Tuominen Rantanen Karjalainen Jokinen Mattila Savolainen Lahtinen Ahonen Hiltunen Miettinen Leinonen Kallio Lindholm Hakala Laitinen Anttila Ojala Peltonen Kauppinen".split(),
    ),
    "SE": (
        "Lars Anders Johan Per Erik Karl Mikael Björn Jonas Fredrik Magnus Sören Göran Håkan".split(),
        "Anna Eva Maria Karin Sara Kristina Lena Emma Ingrid Åsa Linnéa Märta Sofia Elin".split(),
        "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson Pettersson Jönsson Lindström Björk Åberg Lindqvist Engström Öberg Jakobsson Magnusson Lindberg Axelsson Bergström Lundberg Lindgren Berglund Fredriksson Sandberg Henriksson Forsberg Sjöberg Wallin Håkansson Danielsson Lundgren Holm Nyström Söderberg".split(),
    ),
    "NO": (
        "Ole Lars Jan Per Bjørn Kjell Knut Arne Svein Håkon Øyvind Jørgen Espen Tor".split(),
        "Anne Inger Kari Marit Ingrid Liv Hilde Solveig Åse Ragnhild Sigrid Tone Ingeborg".split(),
        "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen Johnsen Haugen Bakken Sørensen Strøm Løvland Dahl Lund Berg Halvorsen Moen Jakobsen Eriksen Solberg Andreassen Strand Martinsen Knutsen Iversen Lie Ellingsen Gundersen Nygård Brekke Sæther Hagen Myhre".split(),
    ),
    "DK": (
        "Søren Jens Niels Lars Henrik Anders Rasmus Mads Jørgen Frederik Christian Mikkel".split(),
        "Mette Anne Kirsten Hanne Susanne Lene Camilla Maja Sofie Ida Signe Louise Line".split(),
        "Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen Petersen Madsen Kristensen Møller Kjær Frølund Bækgaard Olsen Thomsen Poulsen Johansen Knudsen Mortensen Christiansen Jakobsen Lund Holm Schmidt Eriksen Kristiansen Simonsen Clausen Jeppesen Dalgaard Søndergaard Østergaard".split(),
    ),
    "IS": (
        "Jón Sigurður Guðmundur Gunnar Ólafur Einar Kristján Magnús Stefán Þór".split(),
        "Guðrún Anna Kristín Sigríður Margrét Helga Sigrún Ingibjörg Þórunn Ásdís".split(),
        "Jónsson Sigurðsson Guðmundsson Gunnarsson Ólafsson Einarsson Kristjánsson Þórsson Magnússon Stefánsson Jóhannsson Björnsson Árnason Pétursson Kjartansson Halldórsson Ragnarsson Friðriksson".split(),
    ),
    "EE": (
        "Andres Jaan Toomas Mart Rein Tõnu Peeter Priit Urmas Margus Ülo Indrek".split(),
        "Anne Tiina Kadri Kristi Piret Maarja Triin Ülle Eve Pille Mari Liis".split(),
        "Tamm Saar Sepp Mägi Kask Kukk Rebane Ilves Pärn Koppel Lepik Raudsepp Õunapuu Mölder Lõhmus Kallas Ots Kuusk Karu Lill Oja Põder Luik Vaher Tamme Kivi Laur Teder Jõgi Uibo".split(),
    ),
    "LV": (
        "Jānis Andris Māris Edgars Kārlis Aivars Raimonds Uldis Artūrs Gints".split(),
        "Anna Inese Ilze Līga Kristīne Dace Sandra Laura Zane Baiba".split(),
        "Bērziņš Kalniņš Ozoliņš Jansons Liepiņš Krūmiņš Balodis Zariņš Pētersons Vītols Kļaviņš Lapiņš Eglītis Siliņš Vanags Kārkliņš Zvirbulis Strazds Priede Celmiņš".split(),
    ),
    "LT": (
        "Jonas Tomas Mantas Darius Andrius Paulius Giedrius Vytautas Žygimantas Šarūnas".split(),
        "Rūta Asta Jurgita Laura Ieva Eglė Agnė Gintarė Ramunė Živilė".split(),
        "Kazlauskas Jankauskas Petrauskas Stankevičius Vasiliauskas Žukauskas Butkus Paulauskas Urbonas Šimkus Kavaliauskas Navickas Ramanauskas Savickas Rimkus Žilinskas Baranauskas Mockus Adomaitis Vaitkus".split(),
    ),
}
NORDIC_WEIGHTS = {"FI": 9, "SE": 7, "NO": 6, "DK": 5, "IS": 2, "EE": 5, "LV": 3, "LT": 3}

# Very common name pairs that several *different* people carry (hard negatives).
COMMON_RU = [
    ("Елена", "Иванова", "f"), ("Ольга", "Смирнова", "f"), ("Анна", "Кузнецова", "f"),
    ("Татьяна", "Попова", "f"), ("Наталья", "Васильева", "f"), ("Сергей", "Иванов", "m"),
    ("Александр", "Смирнов", "m"), ("Андрей", "Кузнецов", "m"), ("Дмитрий", "Попов", "m"),
    ("Алексей", "Петров", "m"), ("Мария", "Соколова", "f"), ("Ирина", "Новикова", "f"),
]
COMMON_NORDIC = [("Mikko", "Virtanen", "FI"), ("Anna", "Andersson", "SE"), ("Lars", "Hansen", "NO"),
                 ("Anne", "Nielsen", "DK"), ("Jaan", "Tamm", "EE"), ("Maria", "Korhonen", "FI")]

# --------------------------------------------------------------------------- organisation pools

RU_ORG_ADJ = """Северный Белый Новый Старый Ладожский Балтийский Невский Золотой Зелёный Красный
Синий Большой Малый Открытый Светлый Тихий Дальний Ясный Яркий Весенний Осенний Летний
Морской Речной Лесной Городской Вольный Добрый Звёздный Солнечный""".split()
RU_ORG_NOUN = """свет город ветер берег мост парк сад дом двор театр остров порт маяк лес
край путь ключ родник холм бор причал вокзал квартал переулок проспект""".split()
RU_ORG_SUFFIX = [None, None, None, "Арт", "Лаб", "Медиа", "Студио", "Дизайн", "Проект", "Фест", "Групп", "Центр"]
RU_ORG_PLACE = """Псков Выборг Петрозаводск Мурманск Архангельск Калининград Новгород Вологда Тверь
Кострома Ярославль Сортавала Кандалакша Апатиты Великие-Луки Гатчина Кронштадт Тихвин
Череповец Сыктывкар""".split()
NORDIC_ORG_PLACE = """Helsinki Turku Tampere Oulu Stockholm Göteborg Malmö Uppsala Oslo Bergen Tromsø
Trondheim København Aarhus Odense Reykjavík Akureyri Tallinn Tartu Riga Liepāja Vilnius Kaunas
Klaipėda""".split()
RU_LEGAL = [("ООО", 35), ("АНО", 12), ("ГБУК", 8), ("МБУК", 8), ("ФГБОУ ВО", 4), ("АО", 5),
            ("ЗАО", 3), ("НКО", 3), ("ИП", 4), ("АНО ДПО", 2), ("", 16)]
RU_LEGAL_LATIN = {"ООО": ["OOO", "LLC", "Ltd", "LLC"], "АО": ["AO", "JSC"], "ЗАО": ["ZAO", "CJSC"],
                  "АНО": ["ANO"], "ГБУК": ["GBUK"], "МБУК": ["MBUK"], "ФГБОУ ВО": ["FGBOU VO"],
                  "НКО": ["NKO", "NGO"], "ИП": ["IP"], "АНО ДПО": ["ANO DPO"], "": [""]}
RU_LEGAL_LONG = {"ООО": "Общество с ограниченной ответственностью",
                 "АНО": "Автономная некоммерческая организация", "АО": "Акционерное общество",
                 "ГБУК": "Государственное бюджетное учреждение культуры",
                 "МБУК": "Муниципальное бюджетное учреждение культуры"}
NORDIC_ORG_STEM = """Nord Lumo Kide Valo Aalto Sol Fjord Björk Havet Skog Ljus Tuli Kuu Meri Saari
Vind Norrsken Älv Fjäll Sky Tind Bølge Lys Hav Eik Strand Kivi Revontuli Ilma Tähti Hygge Bro
Dala Vesi Sild Tuule Päike Rand Mets Saule Jūra Vėjas Gintaras Daugava""".split()
NORDIC_ORG_WORD = ["Design", "Media", "Studio", "Arts", "Kultur", "Lab", "Film", "Games", "Works",
                   "Collective", "Sound", "Creative", "Production", "Books", "Theatre", "Gallery"]
NORDIC_LEGAL = {
    "FI": [("Oy", 6), ("Oyj", 1), ("ry", 2), ("Oy Ab", 1)], "SE": [("AB", 6), ("ekonomisk förening", 1)],
    "NO": [("AS", 6), ("ASA", 1)], "DK": [("ApS", 4), ("A/S", 3)], "IS": [("ehf.", 5), ("hf.", 1)],
    "EE": [("OÜ", 5), ("MTÜ", 2), ("AS", 1)], "LV": [("SIA", 6), ("biedrība", 1)],
    "LT": [("UAB", 6), ("VšĮ", 2)],
}
EMAIL_PROVIDERS = {
    "RU": [("gmail.com", 3), ("yandex.ru", 4), ("mail.ru", 4), ("ya.ru", 1), ("rambler.ru", 1)],
    "_": [("gmail.com", 6), ("outlook.com", 2), ("hotmail.com", 1), ("icloud.com", 1)],
}
TLD = {"RU": "ru", "FI": "fi", "SE": "se", "NO": "no", "DK": "dk", "IS": "is", "EE": "ee", "LV": "lv", "LT": "lt"}
PHONE_PREFIX = {"RU": "7", "FI": "358", "SE": "46", "NO": "47", "DK": "45", "IS": "354", "EE": "372", "LV": "371", "LT": "370"}
# Mobile numbers: (first digits, national length, trunk prefix written before them at home).
MOBILE_PLAN = {"RU": ("9", 10, "8"), "FI": ("4", 9, "0"), "SE": ("7", 9, "0"), "NO": ("4", 8, ""),
               "DK": ("2", 8, ""), "IS": ("8", 7, ""), "EE": ("5", 8, ""), "LV": ("2", 8, ""),
               "LT": ("6", 8, "8")}
LATIN_SYSTEMS = [("icao", 40), ("passport_1997", 25), ("popular", 25), ("bgn", 10)]

_CYR_LOWER = "абвгдежзийклмнопрстуфхцчшщыэюя"
_LAT_LOWER = "abcdefghijklmnoprstuvyz"


def _choice(rng: random.Random, weighted: list[tuple[object, int]]):
    values, weights = zip(*weighted)
    return rng.choices(values, weights=weights, k=1)[0]


@lru_cache(maxsize=64)
def _zipf_cum_weights(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank + 1) ** s for rank in range(n)))


def _zipf_choice(rng: random.Random, items: list[str], s: float = 0.9) -> str:
    return rng.choices(items, cum_weights=_zipf_cum_weights(len(items), s), k=1)[0]


def _feminine_surname(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith("ский"):
        return surname[:-4] + "ская"
    if surname.endswith("ой"):
        return surname[:-2] + "ая"
    return surname  # Черных, Шевченко, Цой


def _ascii_fold(text: str, danish: bool = False) -> str:
    if danish:
        text = text.replace("ø", "oe").replace("Ø", "Oe").replace("å", "aa").replace("Å", "Aa")
    text = text.replace("Þ", "Th").replace("þ", "th").replace("ð", "d").replace("Ð", "D")
    text = text.replace("æ", "ae").replace("Æ", "Ae").replace("ø", "o").replace("Ø", "O")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    pos = rng.randrange(1, len(word) - 1)
    alphabet = _CYR_LOWER if any("а" <= c.lower() <= "я" for c in word) else _LAT_LOWER
    op = rng.choice(("sub", "del", "dup", "swap"))
    if op == "sub":
        return word[:pos] + rng.choice(alphabet) + word[pos + 1 :]
    if op == "del":
        return word[:pos] + word[pos + 1 :]
    if op == "dup":
        return word[:pos] + word[pos] + word[pos:]
    return word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]


def _slug(text: str) -> str:
    latin = transliterate(text, "passport_1997") or ""
    return "".join(c for c in _ascii_fold(latin).lower() if c.isalnum())


# --------------------------------------------------------------------------- entities


@dataclass
class _Org:
    org_id: int
    country: str
    core: str  # native-script core name, e.g. "Северный мост" or "Lumo Design"
    legal: str
    domain: str
    russian: bool


@dataclass
class _Person:
    person_id: str
    country: str
    russian: bool
    first: str
    last: str
    patronymic: str | None
    sex: str
    orgs: list[_Org]
    system: str
    cyrillic_share: float
    emails_by_org: dict[int, str] = field(default_factory=dict)
    private_email: str | None = None
    phone: str | None = None


def _make_orgs(rng: random.Random, n_orgs: int) -> list[_Org]:
    orgs: list[_Org] = []
    seen: set[tuple[str, str]] = set()
    domains: set[str] = set()
    countries = [("RU", 60)] + [(c, w * 40 // sum(NORDIC_WEIGHTS.values()) + 1) for c, w in NORDIC_WEIGHTS.items()]
    attempts = 0
    while len(orgs) < n_orgs and attempts < n_orgs * 5:  # the name space is finite
        attempts += 1
        country = _choice(rng, countries)
        if country == "RU":
            core = f"{rng.choice(RU_ORG_ADJ)} {rng.choice(RU_ORG_NOUN)}"
            suffix = rng.choice(RU_ORG_SUFFIX)
            if suffix:
                core = f"{core} {suffix}"
            if rng.random() < 0.5:
                core = f"{core} {rng.choice(RU_ORG_PLACE)}"
            legal = _choice(rng, RU_LEGAL)
        else:
            core = rng.choice(NORDIC_ORG_STEM)
            if rng.random() < 0.85:
                core = f"{core} {rng.choice(NORDIC_ORG_WORD)}"
            if rng.random() < 0.4:
                core = f"{core} {rng.choice(NORDIC_ORG_PLACE)}"
            legal = _choice(rng, NORDIC_LEGAL[country])
        if (country, core) in seen:
            continue
        seen.add((country, core))
        stem = _slug(core)
        domain = f"{stem}.{TLD[country]}"
        k = 2
        while domain in domains:
            domain = f"{stem}{k}.{TLD[country]}"
            k += 1
        domains.add(domain)
        orgs.append(_Org(len(orgs), country, core, legal, domain, country == "RU"))
    return orgs


def _render_org(rng: random.Random, org: _Org, latin: bool) -> str:
    core = org.core
    if rng.random() < 0.02:
        words = core.split(" ")
        i = rng.randrange(len(words))
        words[i] = _typo(rng, words[i])
        core = " ".join(words)
    if org.russian:
        if latin:
            system = _choice(rng, LATIN_SYSTEMS)
            core_lat = transliterate(core, system) or core
            legal = rng.choice(RU_LEGAL_LATIN[org.legal])
            if not legal:
                return core_lat
            style = rng.random()
            if style < 0.4:
                return f"{legal} {core_lat}" if legal in ("OOO", "AO", "ZAO", "ANO", "GBUK", "MBUK", "FGBOU VO", "NKO", "IP", "ANO DPO") else f"{core_lat} {legal}"
            if style < 0.7:
                return f'{legal} "{core_lat}"'
            if style < 0.9:
                return f"{core_lat} {legal}"
            return core_lat.upper()
        style = rng.random()
        legal = org.legal
        if not legal or style < 0.15:
            text = rng.choice([core, f"«{core}»"])
        elif style < 0.55:
            text = f"{legal} «{core}»"
        elif style < 0.70:
            text = f'{legal} "{core}"'
        elif style < 0.80:
            text = f"«{core}», {legal}"
        elif style < 0.88 and legal in RU_LEGAL_LONG:
            text = f"{RU_LEGAL_LONG[legal]} «{core}»"
        elif style < 0.94:
            text = f"{legal} „{core}“"
        else:
            text = f"{legal} {core}".upper()
        if rng.random() < 0.3:
            text = text.replace("ё", "е").replace("Ё", "Е")
        return text
    legal = org.legal
    style = rng.random()
    if style < 0.25:
        text = core
    elif org.country in ("LV", "LT") and style < 0.75:
        text = rng.choice([f'{legal} "{core}"', f"{legal} „{core}“", f"{legal} {core}"])
    elif org.country == "FI" and legal == "Oy Ab":
        text = rng.choice([f"Oy {core} Ab", f"{core} Oy", f"{core} Ab"])
    elif style < 0.8:
        text = f"{core} {legal}"
    elif style < 0.9:
        text = f"{core} {legal}".upper()
    else:
        text = f"{legal} {core}"
    if rng.random() < 0.3:
        text = _ascii_fold(text, danish=org.country in ("DK", "NO") and rng.random() < 0.5)
    return text


def _make_person(
    rng: random.Random,
    pid: str,
    orgs_by_country: dict[str, list[_Org]],
    org_weights,
    taken: set[tuple[str, str, int]],
) -> _Person:
    russian = rng.random() < 0.6
    sex = rng.choice("mf")
    if russian:
        country = "RU"
        if rng.random() < 0.08:
            first, last, sex = rng.choice(COMMON_RU)
        else:
            first = _zipf_choice(rng, RU_MALE if sex == "m" else RU_FEMALE, 0.7)
            last = _zipf_choice(rng, RU_SURNAMES, 0.6)
            if sex == "f":
                last = _feminine_surname(last)
        father = rng.choice(list(RU_PATRONYMIC))
        patronymic = RU_PATRONYMIC[father][0 if sex == "m" else 1]
        system = _choice(rng, LATIN_SYSTEMS)
        cyrillic_share = rng.choice((0.95, 0.8, 0.6, 0.3))
    else:
        if rng.random() < 0.05:
            first, last, country = rng.choice(COMMON_NORDIC)
        else:
            country = _choice(rng, list(NORDIC_WEIGHTS.items()))
            males, females, surnames = NORDIC_NAMES[country]
            first = _zipf_choice(rng, males if sex == "m" else females, 0.6)
            last = _zipf_choice(rng, surnames, 0.6)
            if sex == "f" and country == "IS" and last.endswith("sson"):
                last = last[:-4] + "sdóttir"
            if sex == "f" and country == "LV":
                if last.endswith("is"):
                    last = last[:-2] + "e"  # Balodis → Balode
                elif last.endswith("š"):
                    last = last[:-1] + "a"  # Bērziņš → Bērziņa
                elif last.endswith("s"):
                    last = last[:-1] + "e"  # Jansons → Jansone
            if sex == "f" and country == "LT" and last.endswith("as"):
                last = last[:-2] + "ienė"
        patronymic = None
        system = "icao"
        cyrillic_share = 0.0
    orgs: list[_Org] = []
    pool = orgs_by_country[country]

    def pick() -> _Org | None:
        # Namesakes work in different organisations: two people with one name in one
        # organisation and no other identifier cannot be told apart by anyone.
        for _ in range(30):
            org = rng.choices(pool, cum_weights=org_weights[country], k=1)[0]
            if (first, last, org.org_id) not in taken:
                taken.add((first, last, org.org_id))
                return org
        return None

    if rng.random() < 0.93:
        org = pick()
        if org is not None:
            orgs.append(org)
            if rng.random() < 0.04:  # changes organisation later
                later = pick()
                if later is not None and later is not org:
                    orgs.append(later)
    return _Person(pid, country, russian, first, last, patronymic, sex, orgs, system, cyrillic_share)


def _latin_name(person: _Person, system: str) -> tuple[str, str, str | None]:
    if not person.russian:
        return person.first, person.last, None
    return (
        transliterate(person.first, system) or "",
        transliterate(person.last, system) or "",
        transliterate(person.patronymic, system),
    )


def _mailbox(email: str) -> str:
    """The mailbox an address reaches: Gmail ignores dots, Yandex treats its domains as one."""
    local, domain = email.split("@")
    if domain == "gmail.com":
        return local.replace(".", "") + "@gmail.com"
    if domain in ("yandex.ru", "ya.ru"):
        return local.replace(".", "-") + "@yandex.ru"
    return email


def _assign_contacts(rng: random.Random, people: list[_Person]) -> None:
    used: set[str] = set()

    def unique(local: str, domain: str) -> str:
        email = f"{local}@{domain}"
        k = 1
        while _mailbox(email) in used:
            k += 1
            email = f"{local}{k}@{domain}"
        used.add(_mailbox(email))
        return email

    for p in people:
        f, l, _ = _latin_name(p, "passport_1997")
        f, l = _slug(f), _slug(l)
        for org in p.orgs:
            if rng.random() < 0.75:
                local = rng.choice([f"{f}.{l}", f"{f[0]}.{l}", f"{l}", f"{f}{l[0]}", f"{l}.{f}"])
                p.emails_by_org[org.org_id] = unique(local, org.domain)
        if rng.random() < 0.65 or not p.emails_by_org:
            provider = _choice(rng, EMAIL_PROVIDERS["RU" if p.russian else "_"])
            local = rng.choice([f"{f}.{l}", f"{f}{l}", f"{l}.{f}", f"{f}_{l}", f"{f[0]}{l}"])
            if rng.random() < 0.5:
                local += str(rng.randrange(1, 2000))
            p.private_email = unique(local, provider)
        if rng.random() < 0.45:
            start, length, _ = MOBILE_PLAN[p.country]
            p.phone = PHONE_PREFIX[p.country] + start + "".join(
                str(rng.randrange(10)) for _ in range(length - len(start))
            )


def _render_phone(rng: random.Random, phone: str, country: str) -> str:
    prefix = PHONE_PREFIX[country]
    national = phone[len(prefix) :]
    trunk = MOBILE_PLAN[country][2]
    style = rng.random()
    if style < 0.35:
        return "+" + phone
    if country == "RU":
        if style < 0.6:
            return f"8 ({national[:3]}) {national[3:6]}-{national[6:8]}-{national[8:]}"
        if style < 0.8:
            return f"+7 {national[:3]} {national[3:6]} {national[6:8]} {national[8:]}"
        return rng.choice(["8", ""]) + national
    if style < 0.7:
        return f"{trunk}{national[:2]} {national[2:]}" if rng.random() < 0.5 else trunk + national
    if style < 0.85:
        return f"00{prefix}{national}"
    return f"+{prefix} {national[:2]} {national[2:5]} {national[5:]}"


def _render_email(rng: random.Random, email: str) -> str:
    local, domain = email.split("@")
    if domain == "gmail.com" and rng.random() < 0.15:
        local = rng.choice([local.replace(".", ""), local + "+events", local.replace(".", "") + "+cci"])
    if domain in ("yandex.ru", "ya.ru") and rng.random() < 0.2:
        domain = "ya.ru" if domain == "yandex.ru" else "yandex.ru"
    text = f"{local}@{domain}"
    roll = rng.random()
    if roll < 0.08:
        text = text.upper()
    elif roll < 0.2:
        text = ".".join(part.capitalize() for part in local.split(".")) + "@" + domain.capitalize()
    if rng.random() < 0.05:
        text = f" {text} "
    return text


def _maybe_typo(rng: random.Random, first: str, last: str) -> tuple[str, str]:
    if rng.random() < 0.04:
        if rng.random() < 0.5:
            first = _typo(rng, first)
        else:
            last = _typo(rng, last)
    return first, last


def make_evaluation_set(n_persons: int, seed: int = 0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(rows, truth)`` for ``n_persons`` synthetic people; see the module docstring.

    ``rows`` has the staged registration columns the resolver reads (``registration_id,
    event_id, first_name, last_name, patronymic, full_name, email, phone, organisation,
    country_code``); ``truth`` has ``registration_id, true_person_id``.
    """
    rng = random.Random(seed)
    n_orgs = max(8, n_persons // 4)
    orgs = _make_orgs(rng, n_orgs)
    orgs_by_country: dict[str, list[_Org]] = {}
    for org in orgs:
        orgs_by_country.setdefault(org.country, []).append(org)
    for country in ["RU", *NORDIC_WEIGHTS]:
        if country not in orgs_by_country:  # tiny sets: make sure every country has one
            orgs_by_country[country] = [
                _Org(len(orgs), country, f"Kultur {country}", "", f"kultur{country.lower()}.{TLD[country]}", False)
            ]
            orgs.append(orgs_by_country[country][0])
    # Organisation sizes: a few large (universities, museums), most small.
    org_weights = {
        c: list(itertools.accumulate(1.0 / (i + 1) ** 0.5 for i in range(len(pool))))
        for c, pool in orgs_by_country.items()
    }  # cumulative weights

    width = len(str(n_persons))
    taken: set[tuple[str, str, int]] = set()
    people = [
        _make_person(rng, f"P{i:0{width}d}", orgs_by_country, org_weights, taken) for i in range(n_persons)
    ]
    _assign_contacts(rng, people)
    colleagues: dict[int, list[_Person]] = {}
    for p in people:
        for org in p.orgs:
            colleagues.setdefault(org.org_id, []).append(p)
    # Families sharing one private mailbox (hard negative for rule 1).
    ru_people = [p for p in people if p.russian and p.private_email]
    for _ in range(n_persons // 200 if len(ru_people) >= 2 else 0):
        a, b = rng.sample(ru_people, 2)
        if a.sex == b.sex:
            continue
        husband, wife = (a, b) if a.sex == "m" else (b, a)
        if not husband.last.endswith(("ов", "ев", "ёв", "ин", "ын")):
            continue
        wife.last = _feminine_surname(husband.last)
        wife.private_email = husband.private_email

    n_events = max(4, n_persons // 25)
    event_ids = [f"EV{i:04d}" for i in range(n_events)]
    event_hash = {e: hashlib.sha256(f"identity-eval:{seed}:{e}".encode()).hexdigest()[:16] for e in event_ids}
    event_rows: dict[str, int] = {e: 1 for e in event_ids}  # header row is row 1

    records: list[dict[str, object]] = []
    truth: list[tuple[str, str]] = []

    def emit(person: _Person, event: str, org: _Org | None) -> None:
        event_rows[event] += 1
        rid = f"{event_hash[event]}:{event_rows[event]}"
        latin = person.russian and rng.random() > person.cyrillic_share
        if person.russian and not latin:
            first, last, patronymic = person.first, person.last, person.patronymic
            if rng.random() < 0.5:
                first, last, patronymic = (x.replace("ё", "е").replace("Ё", "Е") for x in (first, last, patronymic))
            show_patronymic = rng.random() < 0.6
        else:
            system = person.system if rng.random() < 0.85 else _choice(rng, LATIN_SYSTEMS + [("iso9", 5)])
            first, last, patronymic = _latin_name(person, system)
            if not person.russian and rng.random() < 0.3:
                danish = person.country in ("DK", "NO") and rng.random() < 0.5
                first, last = _ascii_fold(first, danish), _ascii_fold(last, danish)
            show_patronymic = person.russian and rng.random() < 0.1
        first, last = _maybe_typo(rng, first, last)
        if rng.random() < 0.05:
            last = last.upper()
        layout = rng.random()
        record: dict[str, object] = {
            "registration_id": rid, "event_id": event, "first_name": None, "last_name": None,
            "patronymic": None, "full_name": None,
        }
        if layout < 0.65:
            record.update(first_name=first, last_name=last, patronymic=patronymic if show_patronymic else None)
        elif layout < 0.72:
            record.update(first_name=last, last_name=first, patronymic=patronymic if show_patronymic else None)
        elif person.russian and not latin and layout < 0.9:
            parts = [last, first] + ([patronymic] if show_patronymic and patronymic else [])
            record["full_name"] = " ".join(parts)
        elif layout < 0.95:
            record["full_name"] = f"{first} {last}"
        else:
            record["full_name"] = f"{last} {first}"
        # email
        email = None
        roll = rng.random()
        work = person.emails_by_org.get(org.org_id) if org else None
        if roll < 0.02 and org is not None:
            email = f"info@{org.domain}"  # shared office mailbox
        elif roll < 0.03 and org is not None and len(colleagues.get(org.org_id, [])) > 1:
            other = rng.choice(colleagues[org.org_id])  # an assistant registers this person
            email = other.emails_by_org.get(org.org_id) or other.private_email
        elif roll < 0.12:
            email = None
        else:
            options = [e for e in (work, person.private_email) if e]
            if options:
                email = options[0] if len(options) == 1 or rng.random() < 0.65 else options[1]
        record["email"] = _render_email(rng, email) if email else None
        record["phone"] = (
            _render_phone(rng, person.phone, person.country) if person.phone and rng.random() < 0.55 else None
        )
        record["organisation"] = _render_org(rng, org, latin=latin or (org.russian and rng.random() < 0.1)) if org else None
        record["country_code"] = person.country
        records.append(record)
        truth.append((rid, person.person_id))

    for person in people:
        roll = rng.random()
        if roll < 0.45:
            visits = 1
        elif roll < 0.7:
            visits = 2
        elif roll < 0.85:
            visits = 3
        else:
            visits = rng.randint(4, 6) if roll < 0.95 else rng.randint(7, 12)
        for visit in range(visits):
            event = rng.choice(event_ids)
            org = None
            if person.orgs:
                org = person.orgs[0] if len(person.orgs) == 1 or visit < visits // 2 else person.orgs[-1]
            if person.orgs and rng.random() < 0.03:
                org = None  # left the field empty
            emit(person, event, org)
            if rng.random() < 0.03:  # submitted the form twice
                emit(person, event, org)

    order = list(range(len(records)))
    rng.shuffle(order)
    schema = {c: pl.String for c in (
        "registration_id", "event_id", "first_name", "last_name", "patronymic", "full_name",
        "email", "phone", "organisation", "country_code",
    )}
    rows = pl.DataFrame([records[i] for i in order], schema=schema)
    truth_frame = pl.DataFrame(
        [truth[i] for i in order], schema={"registration_id": pl.String, "true_person_id": pl.String}, orient="row"
    )
    return rows, truth_frame
