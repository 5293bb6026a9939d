"""Reads of the rmf app: `catalog` (SP 800-53 reference data) and `workflow` (RMF cycles)."""
