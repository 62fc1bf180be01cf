@reconciliation
Feature: Our books agree with the payment provider's
  As the Beta Skill finance team
  I want our payments compared with what iKhokha reports
  So that no payment is lost when a notification never arrives, and no wrong amount is accepted

  Background:
    Given students "Thandi", "Sipho" and "Lerato" started checkouts for R499.00 today

  Scenario: Reconciliation finds a missed callback and repairs it
    Given the payment provider took Sipho's payment but never told us
    When an admin reconciles today and repairs what it finds
    Then the reconciliation found 1 payment whose status disagrees
    And Sipho's payment is marked as succeeded
    And Sipho's course is unlocked
    And Thandi's payment is marked as pending
    And Lerato's payment is marked as pending

  Scenario: Reconciliation flags an amount mismatch
    Given the payment provider took Lerato's payment but reports R1.00 for it
    When an admin reconciles today and repairs what it finds
    Then the reconciliation found 1 payment whose amount disagrees
    And Lerato's payment is held for review because of "amount_mismatch"
    And Lerato's payment is marked as pending
    And Lerato's course is still locked
