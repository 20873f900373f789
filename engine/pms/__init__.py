"""The PM (penerima manfaat) as a person: one record across their cases, duplicate lookups, and
a supervisor's merge of two records registered by mistake."""
