@analytics
Feature: Operators see where buyers are lost
  So that a course that loses students at the payment step is noticed and fixed,
  operators see for each course how many checkouts ended paid and why the others did not.

  Scenario: The operator sees which course loses buyers at payment
    Given 3 students paid for "Python 101"
    And 1 student's bank declined the card for "Python 101"
    And 1 student paid for "Data Science"
    And 3 students' banks declined the card for "Data Science"
    And 1 student cancelled the payment for "Data Science"
    When an operator looks at the payment analytics for the last seven days
    Then "Data Science" is the course that loses the most buyers at payment
    And 1 of the 5 checkouts for "Data Science" ended paid
    And 3 of the 4 checkouts for "Python 101" ended paid
    And 4 declines are counted under "payment_declined"
