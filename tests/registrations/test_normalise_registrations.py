"""Value parsers, vocabularies and format sniffing of the registration reader."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.registrations import formats
from pipelines.registrations import normalise as norm
from pipelines.registrations import vocabulary as vocab

# --------------------------------------------------------------------------------------
# headers
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Фамилия", "last_name"), ("Имя", "first_name"), ("Отчество", "patronymic"), ("ФИО", "full_name"),
        ("Ф.И.О.", "full_name"), ("Фамилия, имя, отчество", "full_name"), ("Электронная почта", "email"),
        ("E-mail", "email"), ("e-mail:", "email"), ("Е-mail", "email"),  # Cyrillic Е
        ("Организация", "organisation"), ("Страна", "country"), ("Город", "city"), ("Телефон", "phone"),
        ("Пол", "sex"), ("Целевая группа", "target_group"), ("Тип организации", "organisation_type"),
        ("Дата регистрации", "registered_on"), ("Присутствовал(а)", "attended"),
        ("Согласие на обработку персональных данных", "research_consent"),
        ("Sukunimi", "last_name"), ("Etunimi", "first_name"), ("Sähköposti", "email"),
        ("Organisaatio", "organisation"), ("Maa", "country"), ("Kaupunki", "city"), ("Puhelin", "phone"),
        ("Kohderyhmä", "target_group"), ("Osallistui", "attended"), ("Efternamn", "last_name"),
        ("Förnamn", "first_name"), ("E-post", "email"), ("Organisation", "organisation"), ("Land", "country"),
        ("Stad", "city"), ("Telefon", "phone"), ("Målgrupp", "target_group"), ("Deltog", "attended"),
        ("First name", "first_name"), ("Last Name", "last_name"), ("Surname", "last_name"),
        ("Full name", "full_name"), ("Name", "full_name"), ("Email Address", "email"), ("Company", "organisation"),
        ("Organization", "organisation"), ("COUNTRY", "country"), ("first_name", "first_name"),
        ("registered_at", "registered_on"), ("Org. type", "organisation_type"), ("Отметка времени", "registered_on"),
        ("  Email *  ", "email"), ("1. Фамилия", "last_name"),
        # keyword rules for headers not in the synonym list
        ("Ваш e-mail для связи", "email"), ("Контактный телефон участника", "phone"),
        ("Полное название организации", "organisation"), ("Country / Страна", "country"),
        ("Я согласен на участие в исследовании", "research_consent"),
        ("Дата рождения", "ignore"), ("Date of birth", "ignore"),
    ],
)
def test_header_synonyms(header: str, field: str) -> None:
    matched = vocab.match_header(header)
    assert matched is not None and matched[0] == field


@pytest.mark.parametrize("header", ["№", "Комментарий", "Должность", "Lisätietoja", "", None,
                                    "Список участников семинара «Креативная экономика Севера» 14.04.2016"])
def test_headers_not_recognised(header) -> None:
    matched = vocab.match_header(header)
    assert matched is None or matched[0] == "ignore"


# --------------------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("14.04.2016", dt.date(2016, 4, 14)), ("2016-04-14", dt.date(2016, 4, 14)),
        ("14/4/16", dt.date(2016, 4, 14)), ("4.3.16", dt.date(2016, 3, 4)), ("1.3.2017", dt.date(2017, 3, 1)),
        ("3/5/16", dt.date(2016, 5, 3)), ("42475", dt.date(2016, 4, 15)), (42475, dt.date(2016, 4, 15)),
        (42475.75, dt.date(2016, 4, 15)), (dt.datetime(2016, 4, 14, 23, 59), dt.date(2016, 4, 14)),
        (dt.date(2017, 2, 16), dt.date(2017, 2, 16)), ("14.04.2016 10:23", dt.date(2016, 4, 14)),
        ("2016-04-14T10:23:45+03:00", dt.date(2016, 4, 14)), ("2016/04/14 10:23:45", dt.date(2016, 4, 14)),
        ("14.04.2016 г.", dt.date(2016, 4, 14)), ("14 апреля 2016", dt.date(2016, 4, 14)),
        ("14. huhtikuuta 2016", dt.date(2016, 4, 14)), ("14 april 2016", dt.date(2016, 4, 14)),
        ("April 14, 2016", dt.date(2016, 4, 14)), ("20160414", dt.date(2016, 4, 14)),
        ("", None), (None, None), ("-", None),
    ],
)
def test_parse_date(value, expected) -> None:
    assert norm.parse_date(value) == expected


@pytest.mark.parametrize("value", ["31.02.2016", "вчера", "14.04", "2016", 12, "14.04.1890", "yes", 1])
def test_parse_date_rejects(value) -> None:
    with pytest.raises(ValueError):
        norm.parse_date(value)


def test_date_order() -> None:
    assert norm.infer_date_order(["4/14/2016", "4/5/2016"]) == "mdy"
    assert norm.infer_date_order(["14/4/2016", "4/5/2016"]) == "dmy"
    assert norm.infer_date_order(["14.04.2016"]) == "dmy"
    assert norm.parse_date("4/5/2016", order="mdy") == dt.date(2016, 4, 5)
    assert norm.parse_date("4/5/2016") == dt.date(2016, 5, 4)
    assert norm.parse_date("14.4.2016", order="mdy") == dt.date(2016, 4, 14)  # dots are always day-first
    assert norm.parse_date(40933, epoch=norm.EXCEL_EPOCH_1904) == dt.date(2016, 1, 26)  # a Mac workbook


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Россия", "RU"), ("Российская Федерация", "RU"), ("РФ", "RU"), ("Russian Federation", "RU"),
        ("Venäjä", "RU"), ("Ryssland", "RU"), ("RUS", "RU"), ("ru", "RU"), ("Suomi", "FI"), ("Finland", "FI"),
        ("Финляндия", "FI"), ("FIN", "FI"), ("Sverige", "SE"), ("Ruotsi", "SE"), ("Norge", "NO"), ("Norja", "NO"),
        ("Danmark", "DK"), ("Tanska", "DK"), ("Ísland", "IS"), ("Island", "IS"), ("Islanti", "IS"),
        ("Iceland", "IS"), ("Eesti", "EE"), ("Viro", "EE"), ("Estland", "EE"), ("Latvija", "LV"),
        ("Lettland", "LV"), ("Lietuva", "LT"), ("Liettua", "LT"), ("Litauen", "LT"), ("Deutschland", "DE"),
        ("Saksa", "DE"), ("Германия", "DE"), ("Polska", "PL"), ("Польша", "PL"), ("UK", "GB"),
        ("United Kingdom", "GB"), ("Великобритания", "GB"), ("GBR", "GB"), ("Беларусь", "BY"),
        ("Finland / Suomi", "FI"), ("Russia (Murmansk)", "RU"), (" norway ", "NO"), ("Netherlands", "NL"),
    ],
)
def test_parse_country(value: str, code: str) -> None:
    assert norm.parse_country(value) == code


def test_parse_country_blank_and_unknown() -> None:
    assert norm.parse_country("") is None
    assert norm.parse_country("-") is None
    with pytest.raises(ValueError, match="Atlantis"):
        norm.parse_country("Atlantis")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("да", True), ("Да", True), ("нет", False), ("kyllä", True), ("ei", False), ("ja", True), ("nej", False),
        ("yes", True), ("No", False), ("1", True), ("0", False), (1, True), (0.0, False), ("x", True),
        ("X", True), ("+", True), ("-", False), ("true", True), ("FALSE", False), (True, True), ("✓", True),
        ("Да, согласен(на)", True), ("Не согласен", False), ("", None), (None, None), ("maybe", None),
    ],
)
def test_parse_bool(value, expected) -> None:
    assert norm.parse_bool(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Ж", "female"), ("м", "male"), ("женский", "female"), ("kvinna", "female"), ("man", "male"),
     ("nainen", "female"), ("mies", "male"), ("F", "female"), ("Male", "male"), ("other", None), ("", None)],
)
def test_parse_sex(value, expected) -> None:
    assert norm.parse_sex(value) == expected


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Иванов Иван Иванович", ("Иван", "Иванов", "Иванович")),
        ("Иван Иванович Иванов", ("Иван", "Иванов", "Иванович")),
        ("Петрова Анна Сергеевна", ("Анна", "Петрова", "Сергеевна")),
        ("Кузьмина Ольга Ильинична", ("Ольга", "Кузьмина", "Ильинична")),
        ("Мамедов Рашид Гейдар оглы", ("Рашид", "Мамедов", "Гейдар оглы")),
        ("Петрова Ирина", ("Ирина", "Петрова", None)),
        ("Ирина Петрова", ("Ирина", "Петрова", None)),
        ("Anna Virtanen", ("Anna", "Virtanen", None)),
        ("Virtanen, Anna", ("Anna", "Virtanen", None)),
        ("VIRTANEN Anna", ("Anna", "VIRTANEN", None)),
        ("Anna Maria Virtanen", ("Anna Maria", "Virtanen", None)),
        ("Jan van der Berg", ("Jan", "van der Berg", None)),
        ("Ivanov Ivan Ivanovich", ("Ivan", "Ivanov", "Ivanovich")),
        ("Madonna", (None, None, None)),
    ],
)
def test_split_full_name(text: str, parts: tuple) -> None:
    got = norm.split_full_name(text)
    assert (got.first_name, got.last_name, got.patronymic) == parts


def test_compose_full_name() -> None:
    assert norm.compose_full_name("Иван", "Иванов", "Иванович") == "Иванов Иван Иванович"
    assert norm.compose_full_name("Anna", "Virtanen", None) == "Anna Virtanen"
    assert norm.compose_full_name(None, None, None) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" Ivan.Petrov@Mail.RU ", "ivan.petrov@mail.ru"), ("Иван Петров <ivan@x.fi>", "ivan@x.fi"),
        ("mailto:anna@luovaala.fi", "anna@luovaala.fi"), ("a@b.fi; c@d.fi", "a@b.fi"), ("-", None), ("", None),
        ("иван@почта.рф", "иван@почта.рф"),
    ],
)
def test_normalise_email(value, expected) -> None:
    assert norm.normalise_email(value) == expected


@pytest.mark.parametrize("value", ["ivan@mail,ru", "ivan@mailru", "kari.nordmann(at)gmail.com", "@loovdisain.ee",
                                   "smirnova.mail.ru", "ivan.@x.fi", "ivan..petrov@x.fi", "ivan @mail.ru"])
def test_normalise_email_rejects(value: str) -> None:
    with pytest.raises(ValueError):
        norm.normalise_email(value)


@pytest.mark.parametrize(
    ("value", "country", "expected"),
    [
        ("+7 (921) 123-45-67", None, "+79211234567"), ("8 921 123-45-67", "RU", "+79211234567"),
        ("8 921 123-45-67", None, "89211234567"), (79211234567.0, "RU", "+79211234567"),
        ("040 123 4567", "FI", "+358401234567"), ("+358 40 123 4567", "SE", "+358401234567"),
        ("070-123 45 67", "SE", "+46701234567"), ("912 34 567", "NO", "+4791234567"),
        ("0046 70 123 45 67", None, "+46701234567"), ("+372 5123 4567 (work)", None, "+37251234567"),
        ("123", "FI", None), ("-", "FI", None),
    ],
)
def test_normalise_phone(value, country, expected) -> None:
    assert norm.normalise_phone(value, country) == expected


@pytest.mark.parametrize(
    ("explicit", "organisation", "expected"),
    [
        (None, "ООО «Северный свет»", "sme"), (None, "ИП Смирнов О. В.", "self_employed"),
        (None, "ПАО «Беломорская энергетика»", "large_company"), (None, "Nokia Oyj", "large_company"),
        (None, "Luova Ala Oy", "sme"), (None, "Fjällbo Design AB", "sme"), (None, "SIA Radio Baltic", "sme"),
        (None, "UAB Kūrybinės idėjos", "sme"), (None, "Digiloome OÜ", "sme"), (None, "Sound Lab LLC", "sme"),
        (None, "Korhonen Tmi", "self_employed"), (None, "Pettersen Foto ENK", "self_employed"),
        (None, "Санкт-Петербургский государственный университет", "education"), (None, "Lapin yliopisto", "education"),
        (None, "Östersjöns designhögskola", "education"), (None, "University of Tartu", "education"),
        (None, "Колледж культуры и искусств", "education"), (None, "АНО «Арт-Мост»", "ngo"),
        (None, "Фонд развития креативных индустрий", "ngo"), (None, "Kulttuuriyhdistys Kaamos ry", "ngo"),
        (None, "Föreningen Konstnärer i Norr", "ngo"), (None, "Nordic Design Association", "ngo"),
        (None, "Музей «Северное сияние»", "public_body"), (None, "Helsingin kaupunki", "public_body"),
        (None, "Umeå kommun", "public_body"), (None, "Ministry of Culture", "public_body"),
        (None, "ГБУК «Дом культуры»", "public_body"), (None, "Konstfack", "unknown"), (None, None, "unknown"),
        ("малое предприятие", "Something", "sme"), ("крупная компания", None, "large_company"),
        ("НКО", None, "ngo"), ("учреждение культуры", None, "public_body"), ("вуз", None, "education"),
        ("ИП", None, "self_employed"), ("pk-yritys", None, "sme"), ("yhdistys", None, "ngo"),
        ("storföretag", None, "large_company"), ("egenföretagare", None, "self_employed"),
        ("freelancer", None, "self_employed"), ("public body", None, "public_body"),
        ("SME", "Helsingin kaupunki", "sme"),  # an explicit type wins over the name
        ("something odd", None, "other"), ("something odd", "Lapin yliopisto", "education"),
    ],
)
def test_organisation_type(explicit, organisation, expected) -> None:
    assert norm.organisation_type(explicit, organisation)[0] == expected


@pytest.mark.parametrize(
    ("explicit", "organisation_type", "expected"),
    [
        ("1", "unknown", "cci_business"), ("Группа 2", "unknown", "support_organisation"),
        ("3 – education", "sme", "education"), ("предприниматель в сфере креативных индустрий", "ngo", "cci_business"),
        ("организация поддержки", "sme", "support_organisation"), ("бизнес из другой отрасли", "sme", "other_sector"),
        ("luovan alan yritys", "unknown", "cci_business"), ("muun alan yritys", "unknown", "other_sector"),
        ("kehittäjäorganisaatio", "unknown", "support_organisation"), ("koulutus", "unknown", "education"),
        ("stödorganisation", "unknown", "support_organisation"), ("företag i annan bransch", "sme", "other_sector"),
        ("CCI entrepreneur / SME", "unknown", "cci_business"), ("company from another sector", "sme", "other_sector"),
        ("student", "unknown", "education"),
        # inference from the organisation type when the column is blank or unreadable
        (None, "sme", "cci_business"), (None, "self_employed", "cci_business"), (None, "ngo", "support_organisation"),
        (None, "public_body", "support_organisation"), (None, "education", "education"), (None, "unknown", "unknown"),
        ("???", "education", "education"),
    ],
)
def test_target_group(explicit, organisation_type, expected) -> None:
    assert norm.target_group(explicit, organisation_type)[0] == expected


@pytest.mark.parametrize(
    ("names", "email", "expected"),
    [
        (["Тест Тестович"], None, True), (["Test User"], "user@firm.fi", True), (["Anna"], "test.user@x.fi", True),
        (["Qwerty Asdf"], None, True), (["Йцукен"], None, True), (["Anna"], "anna@test.com", True),
        (["Anna Testa"], "anna.testa@x.it", False), (["Иван Тестов"], None, False), (["Anna"], "anna@x.fi", False),
    ],
)
def test_is_test_record(names, email, expected) -> None:
    assert norm.is_test_record(names, email) is expected


# --------------------------------------------------------------------------------------
# encodings and delimiters
# --------------------------------------------------------------------------------------


def test_decode_text_encodings() -> None:
    russian = "Фамилия;Имя;Электронная почта\nИванов;Иван;ivan@mail.ru\n"
    finnish = "Sukunimi;Etunimi;Sähköposti\nMäkinen;Päivi;paivi@yle.fi\n"
    assert formats.decode_text(russian.encode("cp1251")) == (russian, "cp1251")
    assert formats.decode_text(finnish.encode("cp1252")) == (finnish, "cp1252")
    assert formats.decode_text(russian.encode("utf-8")) == (russian, "utf-8")
    assert formats.decode_text(b"\xef\xbb\xbf" + finnish.encode("utf-8")) == (finnish, "utf-8-sig")
    assert formats.decode_text(b"\xff\xfe" + russian.encode("utf-16-le")) == (russian, "utf-16-le")
    assert formats.decode_text(b"\xfe\xff" + russian.encode("utf-16-be")) == (russian, "utf-16-be")
    assert formats.decode_text(finnish.encode("utf-16-le")) == (finnish, "utf-16-le")  # no BOM
    assert formats.decode_text(russian.encode("cp1251"), encoding="cp1251") == (russian, "cp1251")


def test_plausibility_prefers_correct_cyrillic() -> None:
    data = "Фамилия Имя Организация".encode("cp1251")
    assert formats.plausibility(data.decode("cp1251")) > formats.plausibility(data.decode("cp1252"))
    data = "Sähköposti Jyväskylä".encode("cp1252")
    assert formats.plausibility(data.decode("cp1252")) > formats.plausibility(data.decode("cp1251"))


def _score(cells) -> int:
    return len({m[0] for c in cells if (m := vocab.match_header(c)) and m[0] != "ignore"})


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("Name;Email;Country\nVirtanen, Anna;anna@x.fi;Finland\nBerg, Erik;erik@x.se;Sweden\n", ";"),
        ('Name,Email,Organisation\nAnna Virtanen,anna@x.fi,"Oy Ab; Helsinki"\n', ","),
        ("Name\tEmail\tCity\nAnna Virtanen\tanna@x.fi\tTampere, Pirkanmaa\n", "\t"),
        ("Title line of the list\n\nName|Email|City\nAnna|a@x.fi|Oulu\n", "|"),
    ],
)
def test_detect_delimiter(text: str, delimiter: str) -> None:
    assert formats.detect_delimiter(text, _score) == delimiter


def test_parse_delimited_records_start_lines() -> None:
    rows = formats.parse_delimited('a,b\n1,"two\nlines"\n\n3,4\n', ",")
    assert [(r.number, r.cells) for r in rows] == [(1, ["a", "b"]), (2, ["1", "two\nlines"]), (4, []), (5, ["3", "4"])]


def test_sniff_container() -> None:
    assert formats.sniff_container(b"Name;Email\n") == "text"
    assert formats.sniff_container(formats.OLE2_MAGIC + b"\x00" * 100) == "xls"
    assert formats.sniff_container(b"<html><body><table><tr><td>x</td></tr></table>") == "html"
    with pytest.raises(formats.FormatError):
        formats.sniff_container(b"PK\x03\x04garbage")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Итого: 45", True), ("Всего 45 участников", True), ("Yhteensä", True), ("Total: 12", True),
     ("Totalt 14 deltagare", True), ("Summa Anna", False), ("Итоговая конференция", False)],
)
def test_summary_rows(text: str, expected: bool) -> None:
    assert vocab.is_summary_text(text) is expected


def test_decode_cyrillic_utf16_without_bom() -> None:
    text = "Фамилия;Имя;Отчество\nИванов;Иван;Иванович\n"
    assert formats.decode_text(text.encode("utf-16-le")) == (text, "utf-16-le")
    assert formats.decode_text(text.encode("utf-16-be")) == (text, "utf-16-be")
