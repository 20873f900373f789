"""Units, users, passwords and who may do what."""
