"""Read the manifest, the source texts and the curated reference data."""
