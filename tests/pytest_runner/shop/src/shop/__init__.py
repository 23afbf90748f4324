"""A little shop."""
