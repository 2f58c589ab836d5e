"""Management commands of the twins app."""
