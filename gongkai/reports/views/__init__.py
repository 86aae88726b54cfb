"""The office's report pages: monthly.py (政务公开月报) and annual.py (年度报告)."""
