import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.bdd

scenarios("one_purchase_per_course.feature")
