@network
Feature: Trouble reaching the payment provider
  When iKhokha is slow or down, the student is told to try again in plain words,
  nothing is charged twice, and trying again later just works.

  Background:
    Given a course "Python 101" priced at R499.00 that student "Thandi" has chosen

  Scenario: The payment provider times out, then recovers
    Given the payment provider does not answer in time
    When Thandi starts the checkout
    Then Thandi is asked to try again in a minute
    And no payment page was handed out yet
    Given the payment provider answers again
    When Thandi starts the checkout again with the same request
    Then Thandi is sent to the payment page for R499.00
    And there is exactly one payment and one payment link for the course

  Scenario: The payment provider is down
    Given the payment provider is down
    When Thandi starts the checkout
    Then Thandi is asked to try again in a minute
    And the course "Python 101" is still locked for Thandi
    And no payment page was handed out yet

  Scenario: The checker waits out an outage and unlocks the course afterwards
    Given Thandi has started the checkout
    And Thandi pays successfully on the payment page
    And the payment provider's message is lost on the way
    And the payment provider is down
    When 2 minutes pass and our checker runs
    Then the course "Python 101" is still locked for Thandi
    Given the payment provider answers again
    When 4 minutes pass and our checker runs
    Then the course "Python 101" is unlocked for Thandi
    And the payment is marked as succeeded
