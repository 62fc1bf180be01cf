@security
Feature: Payments stay private and safe
  As a student of Beta Skill
  I want my payments to be mine alone and my card details never to leave the payment page
  So that nobody can see or misuse what I paid

  Scenario: Another student cannot see my payment
    Given a course "Python 101" priced at R499.00 that student "Thandi" has chosen
    When Thandi starts the checkout
    And student "Pieter" asks for Thandi's payment
    Then Pieter is told there is no such payment
    And Thandi can still see her payment

  Scenario: Another student cannot pay for my course
    Given a course "Python 101" priced at R499.00 that student "Thandi" has chosen
    When student "Pieter" starts the checkout for Thandi's course
    Then Pieter is told there is no such course
    And no payment page was handed out yet

  @memory-only
  Scenario: Test mode is refused in production
    Given the service is set up for production in every other respect
    But the payment provider is set to test mode
    When the service starts
    Then it refuses to start, saying that test mode is on

  @memory-only
  Scenario: A safe production set-up starts
    Given the service is set up for production in every other respect
    When the service starts
    Then it starts

  Scenario: Card details sent to us are refused
    Given student "Thandi" is signed in to the payment service
    When Thandi sends her card number 4111 1111 1111 1111 to the payment service
    Then Thandi is told never to send card details to us
    And the card number appears nowhere in the service's log

  Scenario: A student cannot keep opening new checkouts
    Given student "Thandi" already has 5 checkouts waiting for payment
    When Thandi starts a checkout for another course
    Then Thandi is asked to finish or wait for a waiting payment first
    And no new payment page was handed out

  Scenario: A genuine message copied and sent again changes nothing
    Given a course "Python 101" priced at R499.00 that student "Thandi" has chosen
    And Thandi has started the checkout
    And Thandi pays successfully on the payment page
    And the payment provider tells us the payment went through
    When someone sends the payment provider's message again 3 times
    Then the payment is marked as succeeded
    And the course was unlocked exactly once
