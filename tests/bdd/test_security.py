import pytest
from pytest_bdd import scenarios

from tests.bdd.steps_security import *  # noqa: F403  (step definitions)

pytestmark = pytest.mark.bdd

scenarios("security.feature")
