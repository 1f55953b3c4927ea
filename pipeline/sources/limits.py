"""The input caps of a build (documents, bytes), in a module of their own: the CLI shows their
defaults in ``--help`` without importing the manifest models (pydantic, YAML), which every
other command would otherwise pay for at start-up."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Caps checked before anything big is read, so no input can exhaust memory or time.

    The defaults fit every real corpus we know of (UN and ITU texts are well under 2 MB; the
    benchmark corpora reach 10,000 documents) with room to spare; ``wsis-kg build
    --max-documents N --max-text-bytes N`` raises them. The manifest itself may hold
    ``MANIFEST_BYTES_PER_DOCUMENT`` bytes per allowed document.
    """

    max_documents: int = 100_000
    max_text_bytes: int = 16 * 1024 * 1024

    @property
    def max_manifest_bytes(self) -> int:
        return max(self.max_documents, 1) * MANIFEST_BYTES_PER_DOCUMENT


MANIFEST_BYTES_PER_DOCUMENT = 16 * 1024
DEFAULT_LIMITS = Limits()
