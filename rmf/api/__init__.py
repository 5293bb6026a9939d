"""REST API of the rmf app."""
