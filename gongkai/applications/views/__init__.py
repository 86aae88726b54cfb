"""The pages of disclosure on application: the staff workspace (/staff/applications/, namespace
"applications") and the public application and status pages (mounted by the portal)."""
