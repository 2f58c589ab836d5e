import os
os.environ.setdefault("DJANGO_SECRET_KEY", "x"*60)
