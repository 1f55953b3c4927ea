"""Extraction: from a decoded source text to the records of ``pipeline.model``.

``view`` prepares a same-length matching copy of the text; ``structure``, ``citations``,
``concepts``, ``roles`` and ``meetings`` each read one kind of fact; ``document`` runs
them over one source text.
"""
