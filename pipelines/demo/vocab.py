"""Value vocabularies the demo registration files use, per file language.

Every free-text value written into a registration file comes from these tables, so the
reader's mapping (in ``pipelines.registrations``) can be checked against them. The
generator never imports the reader and the reader should not import this module either:
the two are checked against each other only through the demo files.
"""

from __future__ import annotations

COUNTRY_CODES = ("RU", "FI", "SE", "NO", "DK", "IS", "EE", "LV", "LT")

# Country names by language. "endonym" is how people type their own country in English forms.
COUNTRY_NAMES: dict[str, dict[str, str]] = {
    "ru": {"RU": "Россия", "FI": "Финляндия", "SE": "Швеция", "NO": "Норвегия", "DK": "Дания",
           "IS": "Исландия", "EE": "Эстония", "LV": "Латвия", "LT": "Литва"},
    "en": {"RU": "Russia", "FI": "Finland", "SE": "Sweden", "NO": "Norway", "DK": "Denmark",
           "IS": "Iceland", "EE": "Estonia", "LV": "Latvia", "LT": "Lithuania"},
    "endonym": {"RU": "Russian Federation", "FI": "Suomi", "SE": "Sverige", "NO": "Norge",
                "DK": "Danmark", "IS": "Ísland", "EE": "Eesti", "LV": "Latvija", "LT": "Lietuva"},
    "fi": {"RU": "Venäjä", "FI": "Suomi", "SE": "Ruotsi", "NO": "Norja", "DK": "Tanska",
           "IS": "Islanti", "EE": "Viro", "LV": "Latvia", "LT": "Liettua"},
    "sv": {"RU": "Ryssland", "FI": "Finland", "SE": "Sverige", "NO": "Norge", "DK": "Danmark",
           "IS": "Island", "EE": "Estland", "LV": "Lettland", "LT": "Litauen"},
}

# A country string no mapping knows: rows carrying it must be quarantined (unknown_country).
UNKNOWN_COUNTRY = "Atlantis"

# Target groups (canonical code -> free-text variants by language).
TARGET_GROUP_TEXT: dict[str, dict[str, tuple[str, ...]]] = {
    "ru": {
        "cci_business": ("малый бизнес в креативной индустрии", "предприниматель в сфере креативных индустрий"),
        "other_sector": ("бизнес из другой отрасли",),
        "support_organisation": ("организация поддержки креативных индустрий", "организация поддержки"),
        "education": ("образование", "сфера образования"),
    },
    "en": {
        "cci_business": ("CCI entrepreneur / SME", "creative business"),
        "other_sector": ("company from another sector",),
        "support_organisation": ("support organisation", "CCI support / development organisation"),
        "education": ("education",),
    },
    "fi": {
        "cci_business": ("luovan alan yritys",),
        "other_sector": ("muun alan yritys",),
        "support_organisation": ("kehittäjäorganisaatio",),
        "education": ("koulutus",),
    },
    "sv": {
        "cci_business": ("kreativt företag",),
        "other_sector": ("företag i annan bransch",),
        "support_organisation": ("stödorganisation",),
        "education": ("utbildning",),
    },
}

# Organisation types (canonical code -> free-text variants by language).
ORG_TYPE_TEXT: dict[str, dict[str, tuple[str, ...]]] = {
    "ru": {
        "sme": ("малое предприятие", "МСП"),
        "large_company": ("крупная компания",),
        "ngo": ("НКО", "некоммерческая организация"),
        "public_body": ("государственное учреждение", "бюджетное учреждение"),
        "education": ("вуз", "образовательное учреждение"),
        "self_employed": ("ИП",),
    },
    "en": {
        "sme": ("SME", "small company"),
        "large_company": ("large company",),
        "ngo": ("NGO", "non-profit"),
        "public_body": ("public body", "public institution"),
        "education": ("university", "college"),
        "self_employed": ("self-employed", "freelancer"),
    },
    "fi": {
        "sme": ("yritys", "pk-yritys"),
        "large_company": ("suuryritys",),
        "ngo": ("yhdistys", "järjestö"),
        "public_body": ("julkinen organisaatio",),
        "education": ("yliopisto", "ammattikorkeakoulu"),
        "self_employed": ("yksinyrittäjä",),
    },
    "sv": {
        "sme": ("företag", "småföretag"),
        "large_company": ("storföretag",),
        "ngo": ("ideell förening",),
        "public_body": ("myndighet",),
        "education": ("högskola", "universitet"),
        "self_employed": ("egenföretagare",),
    },
}
# Extra variants that fit only some organisations: (type, "cci") for creative-industry
# companies, (type, "culture") for cultural institutions (museums, houses of culture ...).
ORG_TYPE_SPECIAL: dict[str, dict[tuple[str, str], tuple[str, ...]]] = {
    "ru": {("public_body", "culture"): ("учреждение культуры",)},
    "en": {("sme", "cci"): ("design studio",), ("public_body", "culture"): ("cultural institution",)},
    "fi": {("public_body", "culture"): ("kulttuurilaitos",)},
    "sv": {("public_body", "culture"): ("kulturinstitution",)},
}
# An organisation counts as a cultural institution when its Latin name contains one of these.
CULTURE_KEYWORDS = ("museum", "culture", "cultural", "kulttuuri", "kultur", "loomekeskus")

# Yes/no styles: name -> (true value, false value). "x" means ticked / left empty.
YES_NO: dict[str, tuple[str, str]] = {
    "ru": ("да", "нет"),
    "ru_cap": ("Да", "Нет"),
    "en": ("yes", "no"),
    "en_cap": ("Yes", "No"),
    "fi": ("kyllä", "ei"),
    "sv": ("ja", "nej"),
    "num": ("1", "0"),
    "x": ("x", ""),
}

# Sex styles: name -> (female, male)
SEX_TEXT: dict[str, tuple[str, str]] = {
    "ru": ("Ж", "М"),
    "en": ("female", "male"),
    "en_short": ("F", "M"),
    "sv": ("kvinna", "man"),
}

# Date styles written as text (XLSX files hold real dates instead).
DATE_FORMATS: dict[str, str] = {
    "dmy_dot": "DD.MM.YYYY",
    "dmy_dot_nopad": "D.M.YYYY",
    "iso": "YYYY-MM-DD",
    "dmy_slash_yy": "D/M/YY",
}
