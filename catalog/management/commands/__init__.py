"""`manage.py` commands of the catalogue."""
