@risk
Feature: A student trying checkout after checkout is slowed down, and an operator decides
  As Beta Skill
  I want a student who starts many checkouts in a short time to be paused, told what to do,
  and let through again by an operator who has looked
  So that bots and card testing cost us nothing, and an honest student is never stuck

  The limit is a rule the shop changes; a pause lasts until the hour is over or an operator
  lifts it, and every pause and every lift stays on record.

  Background:
    Given the shop allows 2 new checkouts per student per hour
    And student "Thandi" has chosen the courses "Python 101", "SQL 101" and "Git 101"

  Scenario: A student trying many checkouts is slowed down
    When Thandi starts the checkout for "Python 101"
    And Thandi starts the checkout for "SQL 101"
    Then Thandi has been sent to 2 payment pages
    When Thandi starts the checkout for "Git 101"
    Then Thandi is paused by the checkout limit
    And Thandi has been sent to 2 payment pages
    And student "Sipho" can still start a checkout for "Python 101"

  Scenario: A blocked student sees what to do
    Given Thandi has been paused by the checkout limit
    Then Thandi is told to wait an hour or to contact support
    And Thandi is not told what the operator is told
    And the operator sees Thandi paused because "More checkouts by one student in an hour than the limit"

  Scenario: An operator lifts a block
    Given Thandi has been paused by the checkout limit
    When an operator lifts Thandi's pause because "spoke to Thandi: her bank page kept failing"
    Then Thandi can start the checkout for "Git 101"
    And the record shows the pause and that an operator lifted it because "spoke to Thandi: her bank page kept failing"
