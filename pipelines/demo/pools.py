"""Name, organisation and place pools for the synthetic demo data.

Everything here is invented or generic. Organisation names are made up (they may
resemble real ones only by accident); cities and countries are real places.
Russian entries carry a Cyrillic form and the Latin spelling the person uses in
English/Nordic forms (one fixed spelling per person, so a Latin row and a Cyrillic
row of the same person are tied by their e-mail, never by transliteration rules).
"""

from __future__ import annotations

# --------------------------------------------------------------------------------------
# Russian names: (Cyrillic, Latin)
# --------------------------------------------------------------------------------------

RU_MALE_FIRST: tuple[tuple[str, str], ...] = (
    ("Александр", "Aleksandr"), ("Алексей", "Aleksei"), ("Андрей", "Andrei"), ("Антон", "Anton"),
    ("Артём", "Artem"), ("Борис", "Boris"), ("Вадим", "Vadim"), ("Виктор", "Viktor"),
    ("Владимир", "Vladimir"), ("Дмитрий", "Dmitry"), ("Евгений", "Evgeny"), ("Егор", "Egor"),
    ("Иван", "Ivan"), ("Игорь", "Igor"), ("Илья", "Ilya"), ("Кирилл", "Kirill"),
    ("Константин", "Konstantin"), ("Максим", "Maksim"), ("Михаил", "Mikhail"), ("Никита", "Nikita"),
    ("Николай", "Nikolai"), ("Олег", "Oleg"), ("Павел", "Pavel"), ("Роман", "Roman"),
    ("Сергей", "Sergei"), ("Степан", "Stepan"), ("Тимофей", "Timofei"), ("Юрий", "Yury"),
    ("Ярослав", "Yaroslav"), ("Григорий", "Grigory"),
)

RU_FEMALE_FIRST: tuple[tuple[str, str], ...] = (
    ("Анна", "Anna"), ("Анастасия", "Anastasia"), ("Алёна", "Alena"), ("Валентина", "Valentina"),
    ("Вера", "Vera"), ("Виктория", "Viktoria"), ("Дарья", "Daria"), ("Евгения", "Evgenia"),
    ("Екатерина", "Ekaterina"), ("Елена", "Elena"), ("Елизавета", "Elizaveta"), ("Ирина", "Irina"),
    ("Ксения", "Ksenia"), ("Лариса", "Larisa"), ("Людмила", "Lyudmila"), ("Марина", "Marina"),
    ("Мария", "Maria"), ("Наталья", "Natalia"), ("Нина", "Nina"), ("Ольга", "Olga"),
    ("Полина", "Polina"), ("Светлана", "Svetlana"), ("Софья", "Sofia"), ("Татьяна", "Tatiana"),
    ("Ульяна", "Ulyana"), ("Юлия", "Yulia"), ("Яна", "Yana"), ("Галина", "Galina"),
    ("Оксана", "Oksana"), ("Кристина", "Kristina"),
)

# Father's names -> (patronymic for a man, patronymic for a woman); Cyrillic only, because
# patronymics appear only in Russian-header files.
RU_PATRONYMICS: tuple[tuple[str, str], ...] = (
    ("Александрович", "Александровна"), ("Алексеевич", "Алексеевна"), ("Андреевич", "Андреевна"),
    ("Анатольевич", "Анатольевна"), ("Борисович", "Борисовна"), ("Валерьевич", "Валерьевна"),
    ("Васильевич", "Васильевна"), ("Викторович", "Викторовна"), ("Витальевич", "Витальевна"),
    ("Владимирович", "Владимировна"), ("Геннадьевич", "Геннадьевна"), ("Дмитриевич", "Дмитриевна"),
    ("Евгеньевич", "Евгеньевна"), ("Иванович", "Ивановна"), ("Игоревич", "Игоревна"),
    ("Константинович", "Константиновна"), ("Михайлович", "Михайловна"), ("Николаевич", "Николаевна"),
    ("Олегович", "Олеговна"), ("Павлович", "Павловна"), ("Петрович", "Петровна"),
    ("Сергеевич", "Сергеевна"), ("Юрьевич", "Юрьевна"), ("Ильич", "Ильинична"),
)

# Male surname (Cyrillic, Latin); the female form is derived by RU_FEMALE_SURNAME rules.
RU_SURNAMES: tuple[tuple[str, str], ...] = (
    ("Иванов", "Ivanov"), ("Петров", "Petrov"), ("Смирнов", "Smirnov"), ("Кузнецов", "Kuznetsov"),
    ("Попов", "Popov"), ("Соколов", "Sokolov"), ("Лебедев", "Lebedev"), ("Козлов", "Kozlov"),
    ("Новиков", "Novikov"), ("Морозов", "Morozov"), ("Волков", "Volkov"), ("Соловьёв", "Solovyov"),
    ("Васильев", "Vasiliev"), ("Зайцев", "Zaitsev"), ("Павлов", "Pavlov"), ("Семёнов", "Semenov"),
    ("Голубев", "Golubev"), ("Виноградов", "Vinogradov"), ("Богданов", "Bogdanov"),
    ("Воробьёв", "Vorobyov"), ("Фёдоров", "Fedorov"), ("Михайлов", "Mikhailov"), ("Беляев", "Belyaev"),
    ("Тарасов", "Tarasov"), ("Белов", "Belov"), ("Комаров", "Komarov"), ("Орлов", "Orlov"),
    ("Киселёв", "Kiselev"), ("Макаров", "Makarov"), ("Андреев", "Andreev"), ("Ковалёв", "Kovalev"),
    ("Ильин", "Ilyin"), ("Гусев", "Gusev"), ("Титов", "Titov"), ("Кузьмин", "Kuzmin"),
    ("Кудрявцев", "Kudryavtsev"), ("Баранов", "Baranov"), ("Куликов", "Kulikov"),
    ("Алексеев", "Alekseev"), ("Степанов", "Stepanov"), ("Яковлев", "Yakovlev"), ("Сорокин", "Sorokin"),
    ("Сергеев", "Sergeev"), ("Романов", "Romanov"), ("Захаров", "Zakharov"), ("Борисов", "Borisov"),
    ("Королёв", "Korolev"), ("Герасимов", "Gerasimov"), ("Пономарёв", "Ponomarev"),
    ("Григорьев", "Grigoriev"), ("Лазарев", "Lazarev"), ("Медведев", "Medvedev"), ("Ершов", "Ershov"),
    ("Никитин", "Nikitin"), ("Соболев", "Sobolev"), ("Рябов", "Ryabov"), ("Поляков", "Polyakov"),
    ("Цветков", "Tsvetkov"), ("Данилов", "Danilov"), ("Жуков", "Zhukov"), ("Фролов", "Frolov"),
    ("Журавлёв", "Zhuravlev"), ("Николаев", "Nikolaev"), ("Крылов", "Krylov"), ("Максимов", "Maksimov"),
    ("Сидоров", "Sidorov"), ("Осипов", "Osipov"), ("Белоусов", "Belousov"), ("Федотов", "Fedotov"),
    ("Дорофеев", "Dorofeev"), ("Егоров", "Egorov"), ("Матвеев", "Matveev"), ("Бобров", "Bobrov"),
    ("Дмитриев", "Dmitriev"), ("Калинин", "Kalinin"), ("Анисимов", "Anisimov"), ("Петухов", "Petukhov"),
    ("Антонов", "Antonov"), ("Тимофеев", "Timofeev"), ("Никифоров", "Nikiforov"), ("Веселов", "Veselov"),
    ("Филиппов", "Filippov"), ("Марков", "Markov"), ("Большаков", "Bolshakov"), ("Суханов", "Sukhanov"),
    ("Миронов", "Mironov"), ("Ширяев", "Shiryaev"), ("Коновалов", "Konovalov"), ("Шестаков", "Shestakov"),
    ("Казаков", "Kazakov"), ("Ефимов", "Efimov"), ("Денисов", "Denisov"), ("Громов", "Gromov"),
    ("Фомин", "Fomin"), ("Давыдов", "Davydov"), ("Мельников", "Melnikov"), ("Щербаков", "Shcherbakov"),
    ("Блинов", "Blinov"), ("Колесников", "Kolesnikov"), ("Карпов", "Karpov"), ("Афанасьев", "Afanasiev"),
    ("Власов", "Vlasov"), ("Маслов", "Maslov"), ("Исаков", "Isakov"), ("Тихонов", "Tikhonov"),
    ("Гаврилов", "Gavrilov"), ("Родионов", "Rodionov"), ("Котов", "Kotov"), ("Горбунов", "Gorbunov"),
    ("Быков", "Bykov"), ("Зуев", "Zuev"), ("Третьяков", "Tretyakov"), ("Савельев", "Saveliev"),
    ("Панов", "Panov"), ("Рыбаков", "Rybakov"), ("Абрамов", "Abramov"), ("Воронов", "Voronov"),
    ("Мухин", "Mukhin"), ("Архипов", "Arkhipov"), ("Трофимов", "Trofimov"), ("Мартынов", "Martynov"),
    ("Емельянов", "Emelyanov"), ("Горшков", "Gorshkov"), ("Чернов", "Chernov"),
    ("Овчинников", "Ovchinnikov"), ("Селезнёв", "Seleznev"), ("Копылов", "Kopylov"),
    ("Михеев", "Mikheev"), ("Галкин", "Galkin"), ("Назаров", "Nazarov"), ("Лобанов", "Lobanov"),
    ("Лукин", "Lukin"), ("Потапов", "Potapov"), ("Некрасов", "Nekrasov"), ("Хохлов", "Khokhlov"),
    ("Жданов", "Zhdanov"), ("Наумов", "Naumov"), ("Шилов", "Shilov"), ("Воронцов", "Vorontsov"),
    ("Ермаков", "Ermakov"), ("Дроздов", "Drozdov"), ("Савин", "Savin"), ("Логинов", "Loginov"),
    ("Сафонов", "Safonov"), ("Кириллов", "Kirillov"), ("Моисеев", "Moiseev"), ("Елисеев", "Eliseev"),
    ("Костин", "Kostin"), ("Орехов", "Orekhov"), ("Ефремов", "Efremov"), ("Исаев", "Isaev"),
    ("Евдокимов", "Evdokimov"), ("Кабанов", "Kabanov"), ("Носков", "Noskov"), ("Юдин", "Yudin"),
    ("Кулагин", "Kulagin"), ("Лапин", "Lapin"), ("Прохоров", "Prokhorov"), ("Нестеров", "Nesterov"),
    ("Харитонов", "Kharitonov"), ("Агафонов", "Agafonov"), ("Ларионов", "Larionov"), ("Зимин", "Zimin"),
    ("Пахомов", "Pakhomov"), ("Шубин", "Shubin"), ("Филатов", "Filatov"), ("Крюков", "Kryukov"),
    ("Рогов", "Rogov"), ("Молчанов", "Molchanov"), ("Гришин", "Grishin"), ("Кононов", "Kononov"),
    ("Симонов", "Simonov"), ("Мишин", "Mishin"), ("Фадеев", "Fadeev"), ("Носов", "Nosov"),
    ("Гуляев", "Gulyaev"), ("Шаров", "Sharov"), ("Устинов", "Ustinov"), ("Евсеев", "Evseev"),
    ("Брагин", "Bragin"), ("Корнилов", "Kornilov"), ("Авдеев", "Avdeev"), ("Бирюков", "Biryukov"),
    ("Никонов", "Nikonov"), ("Щукин", "Shchukin"), ("Одинцов", "Odintsov"), ("Сазонов", "Sazonov"),
    ("Гордеев", "Gordeev"), ("Самойлов", "Samoilov"), ("Князев", "Knyazev"), ("Уваров", "Uvarov"),
    ("Доронин", "Doronin"), ("Рожков", "Rozhkov"), ("Самсонов", "Samsonov"), ("Буров", "Burov"),
    ("Сысоев", "Sysoev"), ("Русаков", "Rusakov"), ("Стрелков", "Strelkov"), ("Фокин", "Fokin"),
    ("Блохин", "Blokhin"), ("Кондратьев", "Kondratiev"), ("Силин", "Silin"), ("Туров", "Turov"),
    ("Островский", "Ostrovsky"), ("Красовский", "Krasovsky"), ("Лесонен", "Lesonen"),
    ("Кархунен", "Karkhunen"), ("Мошников", "Moshnikov"), ("Рочев", "Rochev"),
)


def ru_female_surname(cyr: str, lat: str) -> tuple[str, str]:
    """Female form of a Russian surname (Ivanov -> Ivanova, Ostrovsky -> Ostrovskaya)."""
    if cyr.endswith("ский"):
        return cyr[:-4] + "ская", lat[:-3] + "skaya"
    if cyr.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return cyr + "а", lat + "a"
    return cyr, lat  # Finnic surnames of Karelia (Лесонен) do not change


# --------------------------------------------------------------------------------------
# Nordic and Baltic names: country -> (male first, female first, surnames)
# Surnames given as (male, female) where the language inflects them.
# --------------------------------------------------------------------------------------

NORDIC_NAMES: dict[str, dict[str, tuple]] = {
    "FI": {
        "male": ("Mikko", "Juha", "Jari", "Antti", "Timo", "Ville", "Matti", "Janne", "Petri", "Sami",
                 "Tuomas", "Lauri", "Olli", "Jussi"),
        "female": ("Anna", "Laura", "Maria", "Johanna", "Hanna", "Sanna", "Riikka", "Elina", "Katja",
                   "Päivi", "Minna", "Heidi", "Aino", "Noora"),
        "surnames": tuple((s, s) for s in (
            "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen",
            "Koskinen", "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen", "Niemi",
            "Heikkilä", "Kinnunen", "Salonen", "Turunen", "Laitinen", "Tuominen", "Rantanen",
            "Karjalainen", "Jokinen", "Mattila", "Savolainen", "Lahtinen", "Ahonen", "Peltonen")),
    },
    "SE": {
        "male": ("Erik", "Lars", "Anders", "Johan", "Per", "Karl", "Nils", "Olof", "Magnus", "Fredrik",
                 "Henrik", "Björn"),
        "female": ("Eva", "Karin", "Sara", "Lena", "Emma", "Ingrid", "Linnéa", "Elin", "Sofia", "Åsa",
                   "Maja", "Ebba"),
        "surnames": tuple((s, s) for s in (
            "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
            "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindqvist", "Engström",
            "Bergström", "Sjöberg", "Holmgren", "Ekström", "Lundgren", "Öberg", "Åberg")),
    },
    "NO": {
        "male": ("Ole", "Kjetil", "Håkon", "Eirik", "Sindre", "Øyvind", "Tor", "Arne", "Geir", "Vegard"),
        "female": ("Kari", "Silje", "Marit", "Hilde", "Ragnhild", "Ingeborg", "Tone", "Solveig", "Siri",
                   "Guro"),
        "surnames": tuple((s, s) for s in (
            "Hansen", "Johansen", "Olsen", "Kristiansen", "Karlsen", "Johnsen", "Pettersen", "Eriksen",
            "Berg", "Haugen", "Hagen", "Bakken", "Dahl", "Halvorsen", "Solberg", "Sæther", "Lie",
            "Strand", "Moen", "Brekke")),
    },
    "DK": {
        "male": ("Søren", "Mads", "Rasmus", "Jesper", "Mikkel", "Niels", "Frederik"),
        "female": ("Mette", "Camilla", "Louise", "Sofie", "Line", "Pernille", "Signe", "Ida"),
        "surnames": tuple((s, s) for s in (
            "Nielsen", "Jensen", "Pedersen", "Christensen", "Larsen", "Sørensen", "Rasmussen",
            "Jørgensen", "Madsen", "Kristensen", "Mortensen", "Thomsen")),
    },
    "IS": {
        "male": ("Jón", "Sigurður", "Guðmundur", "Gunnar", "Ólafur", "Einar", "Kristján", "Stefán"),
        "female": ("Guðrún", "Kristín", "Sigríður", "Margrét", "Helga", "Sigrún", "Katrín", "Þóra"),
        "surnames": (
            ("Jónsson", "Jónsdóttir"), ("Sigurðsson", "Sigurðardóttir"), ("Guðmundsson", "Guðmundsdóttir"),
            ("Gunnarsson", "Gunnarsdóttir"), ("Ólafsson", "Ólafsdóttir"), ("Einarsson", "Einarsdóttir"),
            ("Kristjánsson", "Kristjánsdóttir"), ("Stefánsson", "Stefánsdóttir"),
            ("Magnússon", "Magnúsdóttir"), ("Þórsson", "Þórsdóttir")),
    },
    "EE": {
        "male": ("Andres", "Jaan", "Toomas", "Rein", "Margus", "Tarmo", "Priit", "Urmas"),
        "female": ("Kadri", "Kristiina", "Liis", "Mari", "Triin", "Kersti", "Piret", "Tiina"),
        "surnames": tuple((s, s) for s in (
            "Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk", "Rebane", "Ilves", "Pärn", "Koppel",
            "Lepik", "Oja", "Kõiv", "Kallas")),
    },
    "LV": {
        "male": ("Jānis", "Andris", "Mārtiņš", "Edgars", "Kārlis", "Roberts"),
        "female": ("Kristīne", "Ilze", "Inese", "Līga", "Dace", "Zane"),
        "surnames": (
            ("Bērziņš", "Bērziņa"), ("Kalniņš", "Kalniņa"), ("Ozoliņš", "Ozoliņa"), ("Jansons", "Jansone"),
            ("Ozols", "Ozola"), ("Liepiņš", "Liepiņa"), ("Krūmiņš", "Krūmiņa"), ("Balodis", "Balode"),
            ("Zariņš", "Zariņa"), ("Kļaviņš", "Kļaviņa")),
    },
    "LT": {
        "male": ("Jonas", "Tomas", "Mantas", "Darius", "Paulius", "Andrius", "Lukas"),
        "female": ("Rūta", "Eglė", "Ieva", "Agnė", "Jurgita", "Greta"),
        "surnames": (
            ("Kazlauskas", "Kazlauskienė"), ("Jankauskas", "Jankauskienė"), ("Petrauskas", "Petrauskienė"),
            ("Stankevičius", "Stankevičienė"), ("Vasiliauskas", "Vasiliauskienė"),
            ("Žukauskas", "Žukauskienė"), ("Butkus", "Butkienė"), ("Paulauskas", "Paulauskienė"),
            ("Urbonas", "Urbonienė"), ("Kavaliauskas", "Kavaliauskienė")),
    },
}

# --------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------

# Russian cities: key -> (Cyrillic, Latin)
RU_CITIES: dict[str, tuple[str, str]] = {
    "petrozavodsk": ("Петрозаводск", "Petrozavodsk"),
    "arkhangelsk": ("Архангельск", "Arkhangelsk"),
    "murmansk": ("Мурманск", "Murmansk"),
    "spb": ("Санкт-Петербург", "St Petersburg"),
    "severodvinsk": ("Северодвинск", "Severodvinsk"),
    "kondopoga": ("Кондопога", "Kondopoga"),
    "sortavala": ("Сортавала", "Sortavala"),
    "kostomuksha": ("Костомукша", "Kostomuksha"),
    "naryan_mar": ("Нарьян-Мар", "Naryan-Mar"),
    "apatity": ("Апатиты", "Apatity"),
    "moscow": ("Москва", "Moscow"),
}

# Share of Russian participants of each project by home city.
RU_CITY_WEIGHTS: dict[str, dict[str, float]] = {
    "JC": {"petrozavodsk": 45, "arkhangelsk": 13, "murmansk": 11, "spb": 14, "severodvinsk": 3,
           "kondopoga": 3, "sortavala": 3, "kostomuksha": 2, "naryan_mar": 2, "moscow": 4},
    "NB-CCI": {"murmansk": 60, "apatity": 15, "arkhangelsk": 15, "petrozavodsk": 10},
}

NORDIC_CITIES: dict[str, tuple[str, ...]] = {
    "FI": ("Helsinki", "Espoo", "Turku", "Tampere", "Joensuu", "Rovaniemi", "Oulu"),
    "SE": ("Stockholm", "Uppsala", "Göteborg", "Luleå", "Umeå"),
    "NO": ("Oslo", "Tromsø", "Kirkenes", "Bodø", "Trondheim"),
    "DK": ("København", "Aarhus", "Odense"),
    "IS": ("Reykjavík", "Akureyri"),
    "EE": ("Tallinn", "Tartu"),
    "LV": ("Rīga", "Liepāja"),
    "LT": ("Vilnius", "Kaunas"),
}

# --------------------------------------------------------------------------------------
# Organisations: (name as written in the local language / Cyrillic, name in Latin forms,
# organisation_type, target_group, e-mail domain or None)
# --------------------------------------------------------------------------------------

OrgTemplate = tuple[str, str, str, str, str | None]

RU_ORGS: tuple[OrgTemplate, ...] = (
    ("ООО «Северный свет»", "Severny Svet LLC", "sme", "cci_business", "severnysvet.ru"),
    ("ООО «Дизайн-бюро Онего»", "Onego Design Bureau LLC", "sme", "cci_business", "onego-design.ru"),
    ("ООО «Карельская графика»", "Karelian Graphics LLC", "sme", "cci_business", "karelgraphics.ru"),
    ("ООО «Поморские ремёсла»", "Pomor Crafts LLC", "sme", "cci_business", "pomorcrafts.ru"),
    ("ООО «Белое море медиа»", "White Sea Media LLC", "sme", "cci_business", "whitesea-media.ru"),
    ("ООО «Студия Кантеле»", "Kantele Studio LLC", "sme", "cci_business", "kantele-studio.ru"),
    ("ООО «Арктик Арт»", "Arctic Art LLC", "sme", "cci_business", "arcticart.ru"),
    ("ООО «Лаборатория звука»", "Sound Lab LLC", "sme", "cci_business", "soundlab-spb.ru"),
    ("ООО «Ладога Фильм»", "Ladoga Film LLC", "sme", "cci_business", "ladogafilm.ru"),
    ("ООО «Берестяная мастерская»", "Birch Bark Workshop LLC", "sme", "cci_business", None),
    ("ООО «Норд Гейм»", "Nord Game LLC", "sme", "cci_business", "nordgame.ru"),
    ("ООО «Петроглиф»", "Petroglyph LLC", "sme", "cci_business", "petroglyph-design.ru"),
    ("ООО «Вепсская вышивка»", "Veps Embroidery LLC", "sme", "cci_business", None),
    ("ООО «Северо-Запад Ивент»", "North-West Event LLC", "sme", "cci_business", "nw-event.ru"),
    ("ООО «Полярная звезда»", "Polar Star LLC", "sme", "cci_business", "polarstar-media.ru"),
    ("ООО «Хибины Дизайн»", "Khibiny Design LLC", "sme", "cci_business", "khibiny-design.ru"),
    ("ООО «Сполохи»", "Spolokhi LLC", "sme", "cci_business", "spolokhi.ru"),
    ("ООО «Невский креатив»", "Nevsky Creative LLC", "sme", "cci_business", "nevsky-creative.ru"),
    ("ООО «Фабрика историй»", "Story Factory LLC", "sme", "cci_business", "storyfactory.ru"),
    ("ООО «Ягель»", "Yagel LLC", "sme", "cci_business", None),
    ("ООО «Онежская керамика»", "Onega Ceramics LLC", "sme", "cci_business", "onegaceramics.ru"),
    ("ООО «Кольская анимация»", "Kola Animation LLC", "sme", "cci_business", "kola-anim.ru"),
    ("ООО «Карелтурсервис»", "Kareltourservice LLC", "sme", "other_sector", "kareltour-s.ru"),
    ("ООО «Онего Строй»", "Onego Stroy LLC", "sme", "other_sector", None),
    ("ООО «Полярная логистика»", "Polar Logistics LLC", "sme", "other_sector", "polarlog.ru"),
    ("ООО «Северное гостеприимство»", "Northern Hospitality LLC", "sme", "other_sector", None),
    ("АО «Северная лесная компания»", "Northern Forest Company JSC", "large_company", "other_sector",
     "nfc-karelia.ru"),
    ("ПАО «Беломорская энергетика»", "Belomorskaya Energetika PJSC", "large_company", "other_sector",
     "bmenergo.ru"),
    ("АНО «Центр креативных индустрий Карелии»", "ANO Karelian Creative Industries Centre", "ngo",
     "support_organisation", "cci-karelia.ru"),
    ("АНО «Арктический креативный хаб»", "ANO Arctic Creative Hub", "ngo", "support_organisation",
     "arctichub.ru"),
    ("РОО «Ремесленная палата Поморья»", "Pomor Chamber of Crafts", "ngo", "support_organisation", None),
    ("Фонд «Поморская инициатива»", "Pomor Initiative Foundation", "ngo", "support_organisation",
     "pomor-fund.ru"),
    ("АНО «Креативный Мурманск»", "ANO Creative Murmansk", "ngo", "support_organisation", None),
    ("НП «Северный кластер»", "Northern Cluster Partnership", "ngo", "support_organisation",
     "nordcluster.ru"),
    ("ГБУК «Музей северного искусства»", "Museum of Northern Art", "public_body", "support_organisation",
     "nordart-museum.ru"),
    ("МБУК «Центр культурных инициатив»", "Centre for Cultural Initiatives", "public_body",
     "support_organisation", None),
    ("ГАУ «Центр поддержки предпринимательства»", "Entrepreneurship Support Centre", "public_body",
     "support_organisation", "cpp-region.ru"),
    ("ГБУ «Бизнес-инкубатор Северо-Запада»", "North-West Business Incubator", "public_body",
     "support_organisation", "nw-incubator.ru"),
    ("МАУК «Городской дом культуры»", "City House of Culture", "public_body", "support_organisation",
     None),
    ("ФГБОУ ВО «Северный университет искусств и дизайна»", "Northern University of Arts and Design",
     "education", "education", "nuad.ru"),
    ("ФГБОУ ВО «Беломорский государственный университет»", "Belomorsky State University", "education",
     "education", "bsu-edu.ru"),
    ("ФГБОУ ВО «Арктический институт креативных технологий»",
     "Arctic Institute of Creative Technologies", "education", "education", "aict.ru"),
    ("ГАПОУ «Колледж дизайна и ремёсел»", "College of Design and Crafts", "education", "education", None),
    ("ГБПОУ «Колледж культуры и искусств»", "College of Culture and Arts", "education", "education",
     "kki-college.ru"),
)

NORDIC_ORGS: dict[str, tuple[OrgTemplate, ...]] = {
    "FI": (
        ("Revontuli Design Oy", "Revontuli Design Oy", "sme", "cci_business", "revontulidesign.fi"),
        ("Luova Pohjola Oy", "Luova Pohjola Oy", "sme", "cci_business", "luovapohjola.fi"),
        ("Kuura Games Oy", "Kuura Games Oy", "sme", "cci_business", "kuuragames.fi"),
        ("Studio Saimaa Oy", "Studio Saimaa Oy", "sme", "cci_business", None),
        ("Lapin Elämyspalvelut Oy", "Lapin Elämyspalvelut Oy", "sme", "other_sector", None),
        ("Metsä-Karjala Oyj", "Metsä-Karjala Oyj", "large_company", "other_sector", "metsakarjala.fi"),
        ("Luovan alan kehittämisyhdistys ry", "Luovan alan kehittämisyhdistys ry", "ngo",
         "support_organisation", None),
        ("Pohjois-Karjalan kulttuurikeskus", "Pohjois-Karjalan kulttuurikeskus", "public_body",
         "support_organisation", "pkkulttuuri.fi"),
        ("Itä-Suomen taidekorkeakoulu", "Itä-Suomen taidekorkeakoulu", "education", "education",
         "istk.fi"),
        ("Pohjoisen muotoilun ammattikorkeakoulu", "Pohjoisen muotoilun ammattikorkeakoulu", "education",
         "education", None),
    ),
    "SE": (
        ("Norrsken Studio AB", "Norrsken Studio AB", "sme", "cci_business", "norrskenstudio.se"),
        ("Fjällbo Design AB", "Fjällbo Design AB", "sme", "cci_business", None),
        ("Polstjärnan Film AB", "Polstjärnan Film AB", "sme", "cci_business", "polstjarnanfilm.se"),
        ("Kustlogistik i Norr AB", "Kustlogistik i Norr AB", "sme", "other_sector", None),
        ("Kulturföreningen Nordljus", "Kulturföreningen Nordljus", "ngo", "support_organisation", None),
        ("Kulturrådet i Norr", "Kulturrådet i Norr", "public_body", "support_organisation",
         "kulturradetnorr.se"),
        ("Östersjöns designhögskola", "Östersjöns designhögskola", "education", "education", "odh.se"),
    ),
    "NO": (
        ("Nordlys Media AS", "Nordlys Media AS", "sme", "cci_business", "nordlysmedia.no"),
        ("Fjordlys Design AS", "Fjordlys Design AS", "sme", "cci_business", None),
        ("Kirkenes Kreativ AS", "Kirkenes Kreativ AS", "sme", "cci_business", "kirkeneskreativ.no"),
        ("Barents Logistikk AS", "Barents Logistikk AS", "sme", "other_sector", None),
        ("Kunstnerforeningen i Nord", "Kunstnerforeningen i Nord", "ngo", "support_organisation", None),
        ("Finnmark kulturkontor", "Finnmark kulturkontor", "public_body", "support_organisation",
         "finnmarkkultur.no"),
        ("Nordnorsk kunstakademi", "Nordnorsk kunstakademi", "education", "education", "nnka.no"),
    ),
    "DK": (
        ("Havblik Design ApS", "Havblik Design ApS", "sme", "cci_business", "havblik.dk"),
        ("Lydværket ApS", "Lydværket ApS", "sme", "cci_business", None),
        ("Kreativ Erhverv Danmark", "Kreativ Erhverv Danmark", "ngo", "support_organisation", None),
        ("Designskolen Nord", "Designskolen Nord", "education", "education", "designskolennord.dk"),
    ),
    "IS": (
        ("Hönnunarhús ehf.", "Hönnunarhús ehf.", "sme", "cci_business", "honnunarhus.is"),
        ("Norðurljós Miðlun ehf.", "Norðurljós Miðlun ehf.", "sme", "cci_business", None),
        ("Skapandi Ísland", "Skapandi Ísland", "ngo", "support_organisation", None),
        ("Listaháskóli Norðursins", "Listaháskóli Norðursins", "education", "education", "lhn.is"),
    ),
    "EE": (
        ("Loov Disain OÜ", "Loov Disain OÜ", "sme", "cci_business", "loovdisain.ee"),
        ("Digiloome AS", "Digiloome AS", "sme", "cci_business", "digiloome.ee"),
        ("Eesti Loomemajanduse Liit MTÜ", "Eesti Loomemajanduse Liit MTÜ", "ngo", "support_organisation",
         None),
        ("Lõuna-Eesti Loomekeskus", "Lõuna-Eesti Loomekeskus", "public_body", "support_organisation",
         None),
    ),
    "LV": (
        ("SIA Radošā Darbnīca", "SIA Radošā Darbnīca", "sme", "cci_business", "radosa.lv"),
        ("SIA Dzintara Dizains", "SIA Dzintara Dizains", "sme", "cci_business", None),
        ("Latvijas Radošo industriju asociācija", "Latvijas Radošo industriju asociācija", "ngo",
         "support_organisation", None),
        ("Rīgas Dizaina skola", "Rīgas Dizaina skola", "education", "education", None),
    ),
    "LT": (
        ("UAB Kūrybinė Studija", "UAB Kūrybinė Studija", "sme", "cci_business", "kurybine.lt"),
        ("UAB Baltų Garsas", "UAB Baltų Garsas", "sme", "cci_business", None),
        ("Kūrybinių industrijų asociacija", "Kūrybinių industrijų asociacija", "ngo",
         "support_organisation", None),
        ("Kauno kūrybos akademija", "Kauno kūrybos akademija", "education", "education", None),
    ),
}

# How a sole trader's "organisation" is written: country -> format of (first, last, initials).
SELF_EMPLOYED_FORMS: dict[str, str] = {
    "FI": "Tmi {first} {last}",
    "SE": "{first} {last} Design",
    "NO": "{last} Foto ENK",
    "DK": "{first} {last} Design",
    "IS": "{first} {last} hönnun",
    "EE": "{last} FIE",
    "LV": "IK {last}",
    "LT": "{first} {last} IV",
}

# --------------------------------------------------------------------------------------
# E-mail domains
# --------------------------------------------------------------------------------------

PERSONAL_DOMAINS: dict[str, tuple[str, ...]] = {
    "RU": ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "list.ru", "inbox.ru", "rambler.ru"),
    "FI": ("gmail.com", "hotmail.com", "outlook.com", "kolumbus.fi"),
    "SE": ("gmail.com", "hotmail.com", "telia.com"),
    "NO": ("gmail.com", "online.no", "hotmail.com"),
    "DK": ("gmail.com", "hotmail.com", "mail.dk"),
    "IS": ("gmail.com", "simnet.is"),
    "EE": ("gmail.com", "hot.ee", "mail.ee"),
    "LV": ("gmail.com", "inbox.lv"),
    "LT": ("gmail.com", "one.lt"),
}

PRIVATE_DOMAINS: dict[str, tuple[str, ...]] = {
    "RU": ("gmail.com", "mail.ru", "yandex.ru"),
    "default": ("gmail.com", "outlook.com"),
}

# Telephone: country -> (calling code, national number length, mobile prefixes)
PHONE_PLANS: dict[str, tuple[str, int, tuple[str, ...]]] = {
    "RU": ("7", 10, ("911", "921", "911", "981", "952", "960", "964", "902")),
    "FI": ("358", 9, ("40", "44", "45", "50")),
    "SE": ("46", 9, ("70", "72", "73", "76")),
    "NO": ("47", 8, ("9", "4")),
    "DK": ("45", 8, ("2", "3", "4", "5")),
    "IS": ("354", 7, ("6", "7", "8")),
    "EE": ("372", 8, ("5",)),
    "LV": ("371", 8, ("2",)),
    "LT": ("370", 8, ("6",)),
}
