"""Valid-looking numbers for demo records: identity documents, phones, credit codes.

Every number is built to pass the project's own validators (shared.core.validate): the check
characters come from shared.core.checkdigits, and uniqueness is kept by the `Numbers` registry
so the unique blind indexes never collide.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from shared.core.checkdigits import gb11643_check_char, uscc_check_char

# Mainland mobile prefixes that phonenumbers accepts as mobiles (REFERENCE.md).
MOBILE_PREFIXES = (
    "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159",
    "182", "183", "184", "185", "186", "187", "188", "189", "177", "199",
)  # fmt: skip
DONGGUAN_AREA = "769"
TOWN_DIVISION = "441900"  # GB 32100 positions 3–8 for a Dongguan registration

# GB 11714 organisation code: weights of the first 8 characters; the 9th is their check.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# ISO 3166-1 numeric codes of the nationalities given 2023 permanent residence IDs here.
ISO_NUMERIC = {"KOR": "410", "JPN": "392", "USA": "840", "GBR": "826", "VNM": "704", "IND": "356"}

# Passport number shapes per nationality: letters then digits (no checksum to compute).
PASSPORT_SHAPES: dict[str, tuple[str, int]] = {
    "VNM": ("C", 7),
    "MMR": ("MA", 6),
    "KOR": ("M", 8),
    "IND": ("Z", 7),
    "NGA": ("A", 8),
    "PAK": ("AB", 7),
    "PHL": ("P", 7),
    "LAO": ("P", 7),
    "THA": ("AA", 7),
    "JPN": ("TK", 7),
    "USA": ("", 9),
    "GBR": ("", 9),
}


@dataclass
class Numbers:
    """Draws numbers and remembers them: a person's document and a phone are each unique."""

    rng: random.Random
    used: set[str] = field(default_factory=set)

    def _unique(self, make: str) -> bool:
        if make in self.used:
            return False
        self.used.add(make)
        return True

    def citizen_number(self, region: str, birth: date, *, is_male: bool) -> str:
        """GB 11643: region, birth date, sequence (last digit odd for men), check character.
        Also the layout of residence permits for HK/Macao/Taiwan residents (810000 …)."""
        while True:
            sequence = self.rng.randrange(0, 500) * 2 + (1 if is_male else 0)
            first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + gb11643_check_char(first17)
            if self._unique(number):
                return number

    def foreigner_permanent_id(self, nationality: str, birth: date, *, is_male: bool) -> str:
        """2023 外国人永久居留身份证: 9, province 44, ISO numeric nationality, birth date,
        sequence (last digit odd for men), MOD 11-2 check."""
        numeric = ISO_NUMERIC[nationality]
        while True:
            sequence = self.rng.randrange(0, 500) * 2 + (1 if is_male else 0)
            first17 = f"944{numeric}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + gb11643_check_char(first17)
            if self._unique(number):
                return number

    def passport(self, nationality: str) -> str:
        letters, digits = PASSPORT_SHAPES[nationality]
        while True:
            number = letters + "".join(str(self.rng.randrange(10)) for _ in range(digits))
            if self._unique(nationality + number):
                return number

    def home_return_permit(self, letter: str) -> str:
        """港澳居民来往内地通行证 since 2012: H (Hong Kong) or M (Macao) and 8 digits."""
        while True:
            number = f"{letter}{self.rng.randrange(100_000_000):08d}"
            if self._unique(number):
                return number

    def taiwan_permit(self) -> str:
        """台湾居民来往大陆通行证 since 2015: 8 digits."""
        while True:
            number = f"{self.rng.randrange(10_000_000, 100_000_000)}"
            if self._unique("TW" + number):
                return number

    def mobile(self) -> str:
        """A mainland mobile in E.164 (+86 1xx xxxx xxxx)."""
        while True:
            prefix = MOBILE_PREFIXES[self.rng.randrange(len(MOBILE_PREFIXES))]
            number = f"+86{prefix}{self.rng.randrange(100_000_000):08d}"
            if self._unique(number):
                return number

    def landline(self) -> str:
        """A Dongguan landline in E.164: area 769 and 8 digits starting 2 or 8."""
        while True:
            number = f"+86{DONGGUAN_AREA}{self.rng.choice('28')}{self.rng.randrange(10_000_000):07d}"
            if self._unique(number):
                return number

    def uscc(self, authority_and_type: str) -> str:
        """GB 32100 code: `91` enterprise, `92` individual business, `N2` village collective;
        division 441900; a GB 11714 organisation code; check character."""
        while True:
            body = "".join(str(self.rng.randrange(10)) for _ in range(8))
            first17 = f"{authority_and_type}{TOWN_DIVISION}{body}{org_code_check(body)}"
            code = first17 + uscc_check_char(first17)
            if self._unique(code):
                return code


def org_code_check(first8: str) -> str:
    """GB 11714 over 8 digits (the demo draws digits only): C9 = 11 − Σ(Ci × Wi) mod 11,
    written X for 10 and 0 for 11."""
    total = sum(int(c) * w for c, w in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)
