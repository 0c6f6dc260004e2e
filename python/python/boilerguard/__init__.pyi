"""Typed interface of boilerguard (the classes are implemented in Rust, ``boilerguard._native``)."""
import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

__version__: str

_PathLike = Union[str, "os.PathLike[str]"]

class PatternError(ValueError):
    """A pattern file or pattern cannot be loaded; the message is the CLI's."""

    file: Optional[str]
    line: int
    pattern_id: Optional[str]
    reason: str

class Block:
    """A boilerplate block: ``text[start:end]`` (code-point indices, half-open)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def category(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def patterns(self) -> List[str]: ...
    def __init__(self, start: int, end: int, category: str, score: float, patterns: Sequence[str] = ...) -> None: ...
    def to_dict(self) -> Dict[str, Any]:
        """``{"start", "end", "category", "score", "patterns"}``."""
    def __eq__(self, other: object) -> bool: ...

class Detector:
    """The boilerguard detector: same patterns and results as the command line.

    Keyword options: ``threshold`` (float in [0, 1], default 0.5), ``languages`` (list or
    comma-separated str of ISO 639-1 codes), ``blocks`` ("auto" | "lines" | "paragraphs"),
    ``threads`` (int, 0 = one per core).
    """

    def __init__(
        self,
        patterns: Union[None, _PathLike, Iterable[_PathLike]] = None,
        builtin: bool = True,
        categories: Union[None, str, Iterable[str]] = None,
        *,
        threshold: float = 0.5,
        languages: Union[None, str, Iterable[str]] = None,
        lang: Union[None, str, Iterable[str]] = None,
        blocks: str = "auto",
        threads: Optional[int] = 0,
    ) -> None: ...
    def scan(self, text: str) -> List[Block]:
        """The boilerplate blocks of ``text``, in text order."""
    def clean(self, text: str) -> str:
        """``text`` with its boilerplate blocks (whole lines) removed."""
    def scan_clean(self, text: str) -> Tuple[str, List[Block]]:
        """``(clean(text), scan(text))`` from one analysis."""
    def explain(self, text: str) -> str:
        """Every block with label, score, hits and reason (the CLI's ``explain``)."""
    def scan_many(self, texts: Iterable[str]) -> List[List[Block]]:
        """``[scan(t) for t in texts]`` in parallel, GIL released, input order kept."""
    def clean_many(self, texts: Iterable[str]) -> List[str]:
        """``[clean(t) for t in texts]`` in parallel, GIL released, input order kept."""
    def scan_clean_many(self, texts: Iterable[str]) -> List[Tuple[str, List[Block]]]:
        """``[scan_clean(t) for t in texts]`` in parallel, GIL released, input order kept."""
    @property
    def config(self) -> Dict[str, Any]:
        """The options it was made with (keyword arguments of ``Detector``)."""
    @property
    def pattern_ids(self) -> List[str]:
        """Ids of the patterns in use."""

def _rebuild(config: Dict[str, Any]) -> Detector: ...
