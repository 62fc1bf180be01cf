@refunds
Feature: Money goes back to a student
  As a Beta Skill admin
  I want to refund a course payment in full or in part
  So that students get back what they are owed, and never more than they paid

  iKhokha refunds only from its own dashboard: a refund counts once an admin confirms it
  with the reference iKhokha gave.

  Background:
    Given student "Thandi" has paid R499.00 for the course "Python 101"
    And the payment provider can only refund from its own dashboard

  Scenario: A partial refund keeps access
    When an admin refunds R100.00 because "one module was missing"
    And an admin confirms the refund with the provider's reference "IKH-100"
    Then Thandi has R100.00 back
    And the payment is marked as partially_refunded
    And the course "Python 101" is still open to Thandi

  Scenario: A full refund removes access
    When an admin refunds everything because "the course was cancelled"
    And an admin confirms the refund with the provider's reference "IKH-499"
    Then Thandi has R499.00 back
    And the payment is marked as refunded
    And the course "Python 101" is no longer open to Thandi

  Scenario: An over-refund is refused
    When an admin refunds R400.00 because "first part"
    And an admin refunds R100.00 because "second part"
    Then the refund is refused because it is more than what is left
    When an admin confirms the refund with the provider's reference "IKH-400"
    Then Thandi has R400.00 back

  Scenario: A manual refund counts only once confirmed
    When an admin refunds everything because "the course was cancelled"
    Then the refund waits for someone to refund in the provider's dashboard
    And Thandi has R0.00 back
    And the course "Python 101" is still open to Thandi
    When an admin confirms the refund with the provider's reference "IKH-123"
    Then Thandi has R499.00 back
    And the course "Python 101" is no longer open to Thandi

  @memory-only
  Scenario: A payment provider that refunds by itself counts the refund at once
    Given the payment provider refunds by itself
    When an admin refunds R100.00 because "one module was missing"
    Then Thandi has R100.00 back
    And the payment is marked as partially_refunded
    And the course "Python 101" is still open to Thandi
