"""The ledger pages: plans.py (plans, tasks, import, export) and parts.py (a unit's part, its
evidence, the office's confirm and return, a unit's ledger and zip, overdue parts)."""
