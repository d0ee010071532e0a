"""Money as the platforms write it (a decimal string and a currency) into whole NT$.

Amounts are read with Decimal, never float: "1280.00" TWD is NT$1,280, "99.99" is NT$99. A
currency other than TWD is converted at a rate the shop set (`SHOP_CURRENCY_RATES`, NT$ per unit:
"USD=32.5,JPY=0.21"); with no rate the order is skipped with a reason, not guessed. Conversions and
fractions of a dollar round down (points are never earned on money not paid).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any, Mapping

HOME = "TWD"


class MoneyError(ValueError):
    """Why an amount cannot be read; `code` is stable (`not_a_number`, `negative`, `currency`)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def decimal_of(value: Any, name: str = "amount") -> Decimal:
    """A non-negative decimal from a string or a number as a platform writes it."""
    if isinstance(value, bool) or value is None:
        raise MoneyError("not_a_number", f"{name} is missing or not a number")
    try:
        number = Decimal(str(value).strip()) if isinstance(value, (str, int, float)) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise MoneyError("not_a_number", f"{name} is not a decimal number: {str(value)[:40]!r}")
    if number < 0:
        raise MoneyError("negative", f"{name} is negative")
    return number


@dataclass(frozen=True)
class Rates:
    """NT$ per unit of each other currency the shop accepts; none set: only TWD is credited."""

    per_unit: Mapping[str, Decimal]

    @classmethod
    def parse(cls, text: str) -> "Rates":
        """ "USD=32.5, JPY=0.21" → Rates; a bad entry raises ValueError naming it."""
        rates: dict[str, Decimal] = {}
        for part in filter(None, (p.strip() for p in (text or "").split(","))):
            code, _, rate = part.partition("=")
            code = code.strip().upper()
            try:
                value = Decimal(rate.strip())
            except InvalidOperation:
                value = Decimal(0)
            if len(code) != 3 or not code.isalpha() or not value.is_finite() or value <= 0:
                raise ValueError(f"a currency rate must read CODE=NT$ per unit (USD=32.5), not {part!r}")
            rates[code] = value
        return cls(rates)

    def to_twd(self, amount: Decimal, currency: Any) -> int:
        """Whole NT$ for `amount` in `currency` (rounded down); MoneyError('currency') with no rate."""
        code = str(currency or HOME).strip().upper()
        if code == HOME:
            rate = Decimal(1)
        elif code in self.per_unit:
            rate = self.per_unit[code]
        else:
            raise MoneyError("currency", f"orders in {code[:8]} are not credited (no rate set in SHOP_CURRENCY_RATES)")
        return int((amount * rate).to_integral_value(rounding=ROUND_DOWN))


def earning_amount(total: Decimal, shipping: Decimal, paid_with_points: Decimal) -> Decimal:
    """What earns points: the total less shipping and less any part paid with points (never below 0)."""
    return max(total - shipping - paid_with_points, Decimal(0))
