"""gongkai: standardized open government for a county, its townships and villages."""
