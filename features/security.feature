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

  Scenario: Test mode is refused in production
    Given the service is set up for production in every other respect
    But the payment provider is set to test mode
    When the service starts
    Then it refuses to start, saying that test mode is on

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
