"""Money as integer minor units with its ISO 4217 currency; floats are refused."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import CurrencyMismatch, InvalidMoney

# ISO 4217 minor-unit exponents of the currencies we may ever see.
CURRENCY_EXPONENTS: dict[str, int] = {
    "ZAR": 2, "USD": 2, "EUR": 2, "GBP": 2, "BWP": 2, "NAD": 2, "KES": 2, "NGN": 2,
    "JPY": 0, "KWD": 3,
}

MAX_AMOUNT_MINOR = 10**12


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount: `amount_minor` cents (or the currency's minor unit)."""

    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        if type(self.amount_minor) is not int:
            raise InvalidMoney("amounts are whole numbers of minor units")
        if self.amount_minor < 0:
            raise InvalidMoney("amounts cannot be negative")
        if self.amount_minor > MAX_AMOUNT_MINOR:
            raise InvalidMoney("amount is larger than any payment we accept")
        if self.currency not in CURRENCY_EXPONENTS:
            raise InvalidMoney(f"unknown currency {self.currency!r}", code="unsupported_currency")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @property
    def exponent(self) -> int:
        return CURRENCY_EXPONENTS[self.currency]

    def _same_currency(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise InvalidMoney("money only combines with money")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount_minor + other.amount_minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount_minor - other.amount_minor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount_minor < other.amount_minor

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount_minor <= other.amount_minor

    def is_zero(self) -> bool:
        return self.amount_minor == 0

    def __str__(self) -> str:
        exp = self.exponent
        if exp == 0:
            return f"{self.amount_minor} {self.currency}"
        whole, frac = divmod(self.amount_minor, 10**exp)
        return f"{whole}.{frac:0{exp}d} {self.currency}"
