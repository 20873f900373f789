"""Duties under UU 27/2022 Pelindungan Data Pribadi: the record of processing (access_log),
consent and suspension (consent), need to know (need_to_know), subject access (subject_access)
and retention (retention)."""
