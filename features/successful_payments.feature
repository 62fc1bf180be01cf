@payments
Feature: A student pays for a course and gets access
  As a student of Beta Skill
  I want to pay for a course through iKhokha
  So that the course unlocks as soon as my money has really arrived

  Background:
    Given a course "Python 101" priced at R499.00 that student "Thandi" has chosen

  Scenario: The payment goes through and the course unlocks
    When Thandi starts the checkout
    Then Thandi is sent to the payment page for R499.00
    When Thandi pays successfully on the payment page
    And the payment provider tells us the payment went through
    Then the payment is marked as succeeded
    And the course "Python 101" is unlocked for Thandi
    And Thandi is told the payment succeeded
    And Thandi is told "Payment received. Your course is unlocked - enjoy learning!"

  Scenario: Clicking Buy twice does not charge twice
    When Thandi starts the checkout
    And Thandi starts the checkout again with the same request
    Then there is exactly one payment and one payment link for the course

  Scenario: The same news arriving many times unlocks the course once
    When Thandi starts the checkout
    And Thandi pays successfully on the payment page
    And the payment provider tells us the payment went through 5 times
    Then the course "Python 101" is unlocked for Thandi
    And the course was unlocked exactly once

  Scenario: Before paying, the student is told to finish on the payment page
    When Thandi starts the checkout
    Then the payment is marked as pending
    And the course "Python 101" is still locked for Thandi
    And Thandi is told "Complete your payment on the secure iKhokha page. Your course unlocks as soon as the payment is confirmed."
