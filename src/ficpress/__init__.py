"""ficpress: take fan fiction as people really have it and make it a mended, structured, understood book.

The flow is `ingest -> restore -> structure -> analyse -> publish`, each a
package over the one document model in `ficpress.model`.
"""

__version__ = "0.1.0"
