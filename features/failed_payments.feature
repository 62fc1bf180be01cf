@failures
Feature: A payment that does not go through leaves the course locked
  As a student of Beta Skill
  I want to be told in plain words why my payment did not go through and what to do next
  So that I can try again, and I never get a course I did not pay for

  Background:
    Given a course "Python 101" priced at R499.00 that student "Thandi" has chosen
    And Thandi has started the checkout

  Scenario: The bank declines the card
    When Thandi's bank declines the card on the payment page
    And the payment provider tells us the payment failed
    Then the payment is marked as failed
    And the course "Python 101" is still locked for Thandi
    And Thandi is told "Your bank declined the payment. Please try another card or contact your bank."

  Scenario: The card has insufficient funds
    When Thandi's card has insufficient funds on the payment page
    And the payment provider tells us the payment failed
    Then the payment is marked as failed
    And the course "Python 101" is still locked for Thandi
    And Thandi is told to use another card

  @memory-only
  Scenario: When the payment provider says the funds were short, the student is told so
    When Thandi's card has insufficient funds on the payment page
    And the payment provider tells us the payment failed
    Then Thandi is told "The card has insufficient funds. Please use another card or top up and try again."

  Scenario: The student cancels on the payment page
    When Thandi cancels on the payment page
    And the payment provider tells us the payment failed
    Then the payment is marked as cancelled
    And the course "Python 101" is still locked for Thandi
    And Thandi is told "You cancelled the payment. You can start again whenever you are ready."

  Scenario: The payment link expires unpaid
    Given Thandi never pays
    When 25 hours pass and our checker runs
    Then the payment is marked as expired
    And the course "Python 101" is still locked for Thandi
    And Thandi is told "The payment link expired before payment. Please start a new checkout."
