"""Typed records to RDF quads, and quads to the dumps."""
