"""Everything that talks to a triple store: canned queries, endpoints, loads, the server."""
