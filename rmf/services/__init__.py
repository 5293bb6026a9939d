"""Writes of the rmf app, each atomic with its audit record: `workflow` (cycles, sign-offs,
step transitions), `categorization` (Step 1) and `selection` (Step 2)."""
