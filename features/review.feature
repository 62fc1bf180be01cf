@review
Feature: An operator resolves a payment held for review
  As a Beta Skill operator
  I want to decide, in writing, about a payment whose details disagree with the payment provider's
  So that a student who paid is not left waiting, and every decision stays on record

  A held payment never unlocks a course by itself, and only an operator may decide about it.

  Scenario: An operator resolves a held payment
    Given a course "Python 101" priced at R499.00 that student "Thandi" has chosen
    And Thandi has started the checkout
    And Thandi pays successfully on the payment page
    And the payment provider reports R450.00 for it
    And the payment provider tells us the payment went through
    And the payment is held for a person to review because "amount_mismatch"
    When Thandi tries to accept her own payment because "I paid, please unlock my course"
    Then Thandi is told only an operator may decide
    And the course "Python 101" is still locked for Thandi
    And the payment is held for a person to review because "amount_mismatch"
    When an operator accepts Thandi's payment because "the student paid the old price; we honour it"
    Then the payment is marked as succeeded
    And the course "Python 101" is unlocked for Thandi
    And the record shows an operator accepted the payment held for "amount_mismatch" because "the student paid the old price; we honour it"
    And no payment is waiting for review any more
