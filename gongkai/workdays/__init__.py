"""The office-maintained working-day calendar: declared years, the CSV import, and the loader
that gives every app one clock Calendar (State Council arrangement + office data)."""
