"""SHACL validation: the entry point (validate) and the fast engine (compile, fast, arbiter)."""
