@confirmation
Feature: We only unlock a course when the money is really there
  The payment provider's message that a payment went through carries no amount and
  could be copied and sent again by anyone. So we always ask the payment provider
  ourselves, and unlock a course exactly once, and only for the right amount.

  Background:
    Given a course "Python 101" priced at R499.00 that student "Thandi" has chosen
    And Thandi has started the checkout

  Scenario: The news arrives twice
    Given Thandi pays successfully on the payment page
    When the payment provider tells us the payment went through 2 times
    Then the course "Python 101" is unlocked for Thandi
    And the course was unlocked exactly once

  Scenario: The message says paid but the payment provider says it is still waiting
    When someone tells us the payment went through but the payment provider still waits for it
    Then the course "Python 101" is still locked for Thandi
    And the payment waits for the payment provider to confirm it
    When 2 minutes pass and our checker runs
    Then the course "Python 101" is still locked for Thandi
    And the payment waits for the payment provider to confirm it

  Scenario: The payment provider's records are slower than its message
    Given the payment provider's records lag behind its messages
    And Thandi pays successfully on the payment page
    When the payment provider tells us the payment went through
    Then the course "Python 101" is still locked for Thandi
    And the payment waits for the payment provider to confirm it
    When the payment provider's records catch up
    And 10 seconds pass and our checker runs
    Then the payment is marked as succeeded
    And the course "Python 101" is unlocked for Thandi
    And our checker confirmed the payment and unlocked the course, with no operator involved

  Scenario: The amounts disagree
    Given Thandi pays successfully on the payment page
    But the payment provider reports R1.00 for it
    When the payment provider tells us the payment went through
    Then the course "Python 101" is still locked for Thandi
    And the payment is held for a person to review because "amount_mismatch"

  Scenario: The payment provider reports another amount without saying its currency
    Given Thandi pays successfully on the payment page
    But the payment provider reports R1.00 more for it, without saying in which currency
    When the payment provider tells us the payment went through
    Then the course "Python 101" is still locked for Thandi
    And the payment is held for a person to review because "amount_mismatch"

  @security
  Scenario: A forged message is refused
    When a forged message says Thandi's payment went through
    Then the message is refused as not coming from the payment provider
    And the course "Python 101" is still locked for Thandi
    And the refusal is written in the security record

  @network
  Scenario: The message never arrives and the checker unlocks the course
    Given Thandi pays successfully on the payment page
    And the payment provider's message is lost on the way
    When 2 minutes pass and our checker runs
    Then the course "Python 101" is unlocked for Thandi

  @security @refunds
  Scenario: A message replayed after a full refund changes nothing
    Given Thandi pays successfully on the payment page
    And the payment provider tells us the payment went through
    And an admin has refunded everything because "the course was cancelled"
    When someone sends the payment provider's message again 1 time
    Then the payment is marked as refunded
    And Thandi has R499.00 back
    And the course "Python 101" is no longer open to Thandi
    And the course was unlocked exactly once

  Scenario: The student watches the course unlock live
    Given Thandi is watching her payment page
    And Thandi pays successfully on the payment page
    When the payment provider tells us the payment went through
    Then Thandi sees, in order, that the payment succeeded and the course was unlocked
