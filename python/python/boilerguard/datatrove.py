"""A datatrove pipeline step that removes (or only annotates) editorial boilerplate.

::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from boilerguard.datatrove import BoilerguardCleaner

    LocalPipelineExecutor(
        pipeline=[
            JsonlReader("data/in"),
            BoilerguardCleaner(categories=["donation", "disclaimer"]),
            JsonlWriter("data/out"),
        ],
        tasks=4,
        logging_dir="logs/boilerguard",
    ).run()

Each document's removed blocks go to ``doc.metadata["boilerplate"]`` (a list of dicts with
``start``/``end`` as indices into the *original* text, ``category``, ``score``,
``patterns``), so every removal can be audited. Stats recorded per task (and merged by the
executor into ``logging_dir/stats.json``): ``total``, ``forwarded``, ``dropped``,
``docs_with_boilerplate``, ``blocks`` and ``blocks_<category>``, ``chars_removed``.

Documents are processed in batches with :meth:`boilerguard.Detector.scan_clean_many` (GIL
released, in parallel inside the batch). The Detector is built lazily, once per task.
Requires ``datatrove``.
"""
from typing import Any, Dict, Iterable, List, Optional

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.batching import batched

from . import Detector

__all__ = ["BoilerguardCleaner"]


class BoilerguardCleaner(PipelineStep):
    """Removes boilerplate blocks from ``Document.text`` (or only annotates them).

    Args:
        patterns, builtin, categories, **options: the :class:`boilerguard.Detector` arguments
            (``threads`` defaults to 1: datatrove parallelizes by tasks).
        keep_text: only annotate: leave ``doc.text`` as it is.
        drop_empty: drop documents left with no text but white space (counted as ``dropped``).
        metadata_key: where the removed blocks go in ``doc.metadata`` (``None``: nowhere).
        batch_size: documents per call into the detector.
    """

    name = "🛡️ boilerguard"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        patterns: Any = None,
        builtin: bool = True,
        categories: Optional[Iterable[str]] = None,
        *,
        keep_text: bool = False,
        drop_empty: bool = False,
        metadata_key: Optional[str] = "boilerplate",
        batch_size: int = 512,
        **options: Any,
    ) -> None:
        super().__init__()
        options.setdefault("threads", 1)
        self.detector_options: Dict[str, Any] = dict(patterns=patterns, builtin=builtin, categories=categories, **options)
        Detector(**self.detector_options)  # fail fast, where the pipeline is defined
        self.keep_text = keep_text
        self.drop_empty = drop_empty
        self.metadata_key = metadata_key
        self.batch_size = max(1, batch_size)
        self._detector: Optional[Detector] = None

    @property
    def detector(self) -> Detector:
        """The detector of this task, built on first use."""
        if self._detector is None:
            self._detector = Detector(**self.detector_options)
        return self._detector

    def __getstate__(self) -> Dict[str, Any]:
        state = self.__dict__.copy()
        state["_detector"] = None  # rebuilt where the step runs
        return state

    def format(self, text: str) -> str:
        """``text`` without its boilerplate (the one-document form of this step)."""
        return self.detector.clean(text)

    def _record(self, doc: Document, cleaned: str, blocks: List[Any]) -> bool:
        """Applies one result to ``doc`` and records its stats; False when it is dropped."""
        self.stat_update("total")
        if blocks:
            self.stat_update("docs_with_boilerplate")
            self.stat_update("blocks", value=len(blocks))
            for b in blocks:
                self.stat_update(f"blocks_{b.category}")
            self.stat_update("chars_removed", value=len(doc.text) - len(cleaned))
        if self.metadata_key:
            doc.metadata[self.metadata_key] = [b.to_dict() for b in blocks]
        if not self.keep_text:
            doc.text = cleaned
        if self.drop_empty and not cleaned.strip():
            self.stat_update("dropped")
            return False
        self.stat_update("forwarded")
        self.update_doc_stats(doc)
        return True

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data is None:
            return
        for batch in batched(data, self.batch_size):
            with self.track_time(unit="batch"):
                results = self.detector.scan_clean_many([doc.text for doc in batch])
            for doc, (cleaned, blocks) in zip(batch, results):
                if self._record(doc, cleaned, blocks):
                    yield doc
