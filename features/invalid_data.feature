@invalid-data
Feature: Wrong or unexpected details are refused before any money moves
  As a Beta Skill student or the Beta Skill platform
  I want a request with wrong details to be refused with a clear reason
  So that nobody pays a wrong amount, in a wrong currency, or for a course that does not exist

  Scenario: A course cannot be offered for nothing
    When the platform offers student "Thandi" the course "Python 101" for R0.00
    Then the offer is refused as not valid
    And Thandi has no course waiting for payment

  Scenario: A course cannot be offered in a currency we do not take
    When the platform offers student "Thandi" the course "Python 101" for 499.00 USD
    Then the offer is refused because "Payments are accepted in South African rand (ZAR) only."
    And Thandi has no course waiting for payment

  Scenario: A checkout for a course nobody offered is refused
    Given student "Thandi" is signed in to the payment service
    When Thandi starts a checkout for a course she was never offered
    Then Thandi is told "We could not find what you asked for."
    And no payment page was handed out yet

  Scenario: A checkout that tries to choose its own price is refused
    Given a course "Python 101" priced at R499.00 that student "Thandi" has chosen
    When Thandi starts the checkout and adds a price of R1.00 of her own
    Then Thandi is told "Some details in the request are not valid. Please check them and try again."
    And no payment page was handed out yet
    When Thandi starts the checkout
    Then Thandi is sent to the payment page for R499.00
