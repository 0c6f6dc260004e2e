"""boilerguard: find and remove editorial boilerplate in scraped article text.

The detector of the ``boilerguard`` command line — same built-in patterns, same results —
as a Python class, for use in scripts and inside distributed engines (PySpark, datatrove,
Ray Data, Dask)::

    import boilerguard

    detector = boilerguard.Detector()
    detector.scan(text)          # [Block(start=..., end=..., category='donation', ...)]
    detector.clean(text)         # text without its boilerplate lines
    detector.clean_many(texts)   # all cores, GIL released, input order kept

Offsets are ``str`` indices (code points). See ``boilerguard.spark`` and
``boilerguard.datatrove`` for the engine helpers.
"""
from typing import Any, Dict

from ._native import Block, Detector, PatternError, __version__

__all__ = ["Block", "Detector", "PatternError", "__version__"]


def _rebuild(config: Dict[str, Any]) -> Detector:
    """Unpickles a :class:`Detector`: builds it again from the options it was made with."""
    return Detector(**config)
