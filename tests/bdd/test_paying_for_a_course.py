import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.bdd

scenarios("paying_for_a_course.feature")
