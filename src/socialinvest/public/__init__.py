"""What the public sees without logging in: the funds an organisation publishes, their granted
investments and results, the same as open data (CSV, JSON and its JSON Schema), and the engine's
public calculators.  Pages without JavaScript, cacheable (ETag and Last-Modified)."""
