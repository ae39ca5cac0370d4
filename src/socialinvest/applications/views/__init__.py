"""Pages of the application: each module owns its URLs (pages, workflow, calculation)."""
