"""wsis-kg: the pipeline that turns UN and ITU policy texts into a validated RDF graph.

Modules follow the data flow: ``sources`` (read the manifest and texts) → ``extract``
(find structure, citations, mentions, roles, meetings) → ``model`` (what was read, as
pydantic records with spans) → ``rdf_map`` (records to RDF quads) → ``validate`` (SHACL)
→ ``write`` (dumps, atomically) → ``query`` (canned SPARQL). ``build`` ties them together
and ``cli`` is a thin command line over them.
"""
