"""The message pages: public (public.py) and staff (staff.py)."""
