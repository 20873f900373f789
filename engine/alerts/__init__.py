"""Overdue alerts, their acknowledgement, the outbox and its channels."""
