"""Pages of the CSF app."""
