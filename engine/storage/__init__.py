"""Tables, sessions, the unit of work and schema upgrades."""
