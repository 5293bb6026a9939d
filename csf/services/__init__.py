"""Writes of the CSF app; each audited in its transaction."""
