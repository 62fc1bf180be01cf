@rollback
Feature: An admin rolls an activation back
  As a Beta Skill admin
  I want to take back access that was granted by mistake, saying why
  So that mistakes are corrected and the reason stays on record

  Scenario: An admin reverts an enrollment
    Given student "Thandi" has paid R499.00 for the course "Python 101"
    When an admin reverts Thandi's enrollment because "enrolled in the wrong course"
    Then the course "Python 101" is no longer open to Thandi
    And the record shows an admin took the course away because "enrolled in the wrong course"

  Scenario: An admin must say why an enrollment is reverted
    Given student "Thandi" has paid R499.00 for the course "Python 101"
    When an admin reverts Thandi's enrollment without a reason
    Then the admin is told "Please give a reason."
    And the course "Python 101" is still open to Thandi
