@monitoring
Feature: Operators watch the payments
  So that a drop in successful payments is noticed before students write to support,
  operators see how many checkouts succeed, what goes wrong, and what needs a person.

  Scenario: The success rate counts finished checkouts only
    Given 3 students paid for their courses
    And 1 student's bank declined the card
    And 1 student has not finished paying yet
    When an operator looks at the payment statistics for the last day
    Then the success rate is 75%
    And 5 payments are counted
    And 1 decline is counted under "payment_declined"

  Scenario: A payment whose amount disagrees waits for an operator
    Given 1 student paid for their courses
    And 1 student's payment came back with a different amount
    When an operator looks at the payments needing review
    Then exactly that payment is listed with the reason "amount_mismatch"
