import pytest
from pytest_bdd import scenarios

from tests.bdd.steps_money_back import *  # noqa: F403  (steps and the scenario fixture)

pytestmark = pytest.mark.bdd

scenarios("refunds.feature")
