"""Applicants for the generated benchmark stores (tests/store_generator.py): Mexican names from
Faker's es_MX lists with the frequent surnames weighted as in Mexico, valid CURPs and RFCs,
contact data. Everything is drawn from pools built once, so a person costs a few microseconds."""

from __future__ import annotations

import random
import string
from datetime import date, timedelta
from itertools import accumulate

from stdnum.mx import curp as stdnum_curp
from stdnum.mx import rfc as stdnum_rfc

# The surnames most frequent in Mexico, with roughly their share (RENAPO/INEGI): a search for one
# of them matches many thousands of expedientes, as it does at a real window.
FREQUENT_SURNAMES = {"Hernández": 4.6, "García": 4.2, "Martínez": 3.6, "López": 3.3,
                     "González": 3.0, "Pérez": 2.4, "Rodríguez": 2.3, "Sánchez": 2.2,
                     "Ramírez": 2.1, "Cruz": 1.5, "Flores": 1.5, "Gómez": 1.4, "Morales": 1.2,
                     "Vázquez": 1.2, "Reyes": 1.1, "Jiménez": 1.1, "Torres": 1.0, "Díaz": 1.0,
                     "Gutiérrez": 1.0, "Ruiz": 0.9, "Mendoza": 0.9, "Aguilar": 0.9}
ESTADOS = ("AS", "BC", "BS", "CC", "CS", "CH", "CL", "CM", "DF", "DG", "GT", "GR", "HG", "JC",
           "MC", "MN", "MS", "NT", "NL", "OC", "PL", "QT", "QR", "SP", "SL", "SR", "TC", "TS",
           "TL", "VZ", "YN", "ZS")
INCONVENIENT = frozenset({
    "BACA", "BAKA", "BUEI", "BUEY", "CACA", "CACO", "CAGA", "CAGO", "CAKA", "CAKO", "COGE",
    "COJA", "COJE", "COJI", "COJO", "CULO", "FETO", "GUEY", "JOTO", "KACA", "KACO", "KAGA",
    "KAGO", "KAKA", "KOGE", "KOJO", "KULO", "MAME", "MAMO", "MEAR", "MEAS", "MEON", "MION",
    "MOCO", "MULA", "PEDA", "PEDO", "PENE", "PUTA", "PUTO", "QULO", "RATA", "RUIN"})
_PLAIN = str.maketrans("ÁÉÍÓÚÜÑáéíóúüñ", "AEIOUUXaeiouux")
_HOMOCLAVE = string.ascii_uppercase + string.digits
BIRTH_DAYS = 365 * 55


def plain(text: str) -> str:
    return text.translate(_PLAIN).upper()


def _first_vowel(word: str) -> str:
    return next((c for c in word[1:] if c in "AEIOU"), "X")


def _first_consonant(word: str) -> str:
    return next((c for c in word[1:] if c.isalpha() and c not in "AEIOU"), "X")


class People:
    """Applicants: names, CURP, RFC, contact data, drawn from a seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        from faker import Faker
        from faker.providers.person.es_MX import Provider

        self.rng = rng
        fake = Faker("es_MX")
        fake.seed_instance(rng.randrange(1 << 30))
        # (name, its CURP letter, its e-mail user part) computed once per name
        self.males = [(n, plain(n).split()[0]) for n in Provider.first_names_male]
        self.females = [(n, plain(n).split()[0]) for n in Provider.first_names_female]
        rare = [s for s in Provider.last_names if s not in FREQUENT_SURNAMES]
        names = list(FREQUENT_SURNAMES) + rare
        self.surnames = [(s, plain(s).replace(" ", ""), plain(s)) for s in names]
        rare_weight = (100 - sum(FREQUENT_SURNAMES.values())) / len(rare)
        self.cum_weights = list(accumulate(list(FREQUENT_SURNAMES.values())
                                           + [rare_weight] * len(rare)))
        self.streets = [fake.street_address() for _ in range(2_000)]
        self.colonias = [fake.city() for _ in range(300)]
        self.postcodes = [f"{rng.randrange(83000, 83400):05d}" for _ in range(400)]
        self.first_day = date(1950, 1, 1)

    def person(self) -> dict[str, str]:
        rng = self.rng
        male = rng.random() < 0.5
        nombre, n = rng.choice(self.males if male else self.females)
        (paterno, p, _), (materno, _, m) = rng.choices(self.surnames, cum_weights=self.cum_weights,
                                                       k=2)
        born = self.first_day + timedelta(days=rng.randrange(BIRTH_DAYS))
        curp = self._curp(n, p, m, born, "H" if male else "M")
        user = n.lower() + "." + p.lower()
        return {"nombre": f"{nombre} {paterno} {materno}", "curp": curp, "rfc": self._rfc(curp),
                "telefono": f"662{rng.randrange(10**7):07d}",
                "email": f"{user}{rng.randrange(100)}@{rng.choice(('gmail.com', 'hotmail.com'))}",
                "domicilio": f"{rng.choice(self.streets)}, col. {rng.choice(self.colonias)}",
                "cp": rng.choice(self.postcodes)}

    def _curp(self, n: str, p: str, m: str, born: date, sex: str) -> str:
        head = p[0] + _first_vowel(p) + m[0] + n[0]
        if head in INCONVENIENT:  # RENAPO replaces the second letter of these with X
            head = head[0] + "X" + head[2:]
        body = (f"{head}{born:%y%m%d}{sex}{self.rng.choice(ESTADOS)}"
                f"{_first_consonant(p)}{_first_consonant(m)}{_first_consonant(n)}"
                f"{self.rng.choice(string.digits) if born.year < 2000 else 'A'}")
        return body + stdnum_curp.calc_check_digit(body + "0")

    def _rfc(self, curp: str) -> str:
        number = curp[:10] + "".join(self.rng.choices(_HOMOCLAVE, k=2))
        return number + stdnum_rfc.calc_check_digit(number + "0")
