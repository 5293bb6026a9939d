"""Browser views of the rmf app."""
