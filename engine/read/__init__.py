"""The read side: inbox, case lists, case pages and the dashboard."""
