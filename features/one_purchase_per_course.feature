@one-purchase
Feature: A course is bought once
  As a student of Beta Skill
  I want buying a course I already have, or clicking Buy again, to lead me back to what I have
  So that I never pay twice for the same course

  Scenario: The student buys a course they already own
    Given student "Thandi" has paid R499.00 for the course "Python 101"
    When the platform offers student "Thandi" the course "Python 101" for R499.00
    Then the offer is refused because "You already have this course, or a purchase of it is waiting for payment. Open it from your courses instead of buying it again."
    And the answer points to Thandi's enrollment in "Python 101"
    And the course "Python 101" is still open to Thandi
    And the course was unlocked exactly once

  Scenario: Clicking Buy again on a course awaiting payment opens the same checkout
    Given a course "Python 101" priced at R499.00 that student "Thandi" has chosen
    And Thandi has started the checkout
    When the platform offers student "Thandi" the course "Python 101" for R499.00
    Then the offer is refused because "You already have this course, or a purchase of it is waiting for payment. Open it from your courses instead of buying it again."
    And the answer points to Thandi's enrollment in "Python 101"
    When Thandi clicks Buy again
    Then Thandi is sent to the same payment page as before
    And there is exactly one payment and one payment link for the course
