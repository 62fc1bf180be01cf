import pytest
from pytest_bdd import scenarios

from tests.bdd.steps_monitoring import *  # noqa: F403  (the step fixtures live in its globals)

pytestmark = pytest.mark.bdd

scenarios("monitoring.feature")
