"""The CSF API under /api/v1/csf/."""
