import pytest

from domain.errors import CurrencyMismatch, InvalidMoney
from domain.money import Money

pytestmark = pytest.mark.unit


def test_adds_and_subtracts_in_minor_units():
    assert Money(1050, "ZAR") + Money(50, "ZAR") == Money(1100, "ZAR")
    assert Money(1050, "ZAR") - Money(50, "ZAR") == Money(1000, "ZAR")


@pytest.mark.parametrize("bad", [10.5, "100", True, None])
def test_refuses_anything_but_whole_minor_units(bad):
    with pytest.raises(InvalidMoney):
        Money(bad, "ZAR")


def test_refuses_negative_and_absurd_amounts():
    with pytest.raises(InvalidMoney):
        Money(-1, "ZAR")
    with pytest.raises(InvalidMoney):
        Money(10**13, "ZAR")


def test_refuses_unknown_currency():
    with pytest.raises(InvalidMoney) as refused:
        Money(100, "XYZ")
    assert refused.value.code == "unsupported_currency"


def test_never_mixes_currencies():
    with pytest.raises(CurrencyMismatch):
        Money(100, "ZAR") + Money(100, "USD")
    with pytest.raises(CurrencyMismatch):
        assert Money(100, "ZAR") < Money(100, "USD")


def test_prints_with_the_currency_exponent():
    assert str(Money(49900, "ZAR")) == "499.00 ZAR"
    assert str(Money(5, "JPY")) == "5 JPY"
    assert str(Money(1005, "KWD")) == "1.005 KWD"
