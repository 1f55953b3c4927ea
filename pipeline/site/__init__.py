"""The static explorer: built dumps + source texts → a self-contained website (``write_site``)."""

from pipeline.site.generate import SiteReport, write_site

__all__ = ["SiteReport", "write_site"]
