"""PySpark helpers: clean or annotate a DataFrame's text column with boilerguard.

Two ways in, both building **one Detector per executor Python process** (cached by its
options, so the patterns are compiled once per worker, not once per batch or row):

* :func:`clean` / :func:`annotate` — whole-DataFrame transforms through ``mapInPandas``;
  every other column passes through untouched::

      from boilerguard import spark as bg
      out = bg.clean(df, "text")                                  # text cleaned in place
      out = bg.clean(df, "text", output_column="clean", blocks_column="boilerplate")
      out = bg.annotate(df, "text")                               # adds `boilerplate` only

* :func:`clean_udf` / :func:`scan_udf` — pandas UDFs for ``withColumn``/``select``::

      df.withColumn("clean", bg.clean_udf()("text"))

Blocks are ``array<struct<start:bigint,end:bigint,category:string,score:double,
patterns:array<string>>>`` with ``start``/``end`` as string indices (code points). A null
text gives a null result. Detector options (``patterns``, ``builtin``, ``categories``,
``threshold``, ``languages``, ``blocks``, ``threads``) are the keyword arguments of
:class:`boilerguard.Detector`; pattern directories must be readable on the executors.
``threads`` defaults to 1 here: Spark already runs one task per core.

Requires ``pyspark``, ``pandas`` and ``pyarrow``.
"""
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

from . import Detector

__all__ = ["BLOCKS_TYPE", "clean", "annotate", "clean_udf", "scan_udf", "detector_for"]

#: Spark SQL type of a column of blocks.
BLOCKS_TYPE = "array<struct<start:bigint,end:bigint,category:string,score:double,patterns:array<string>>>"

_DETECTORS: Dict[Tuple[Tuple[str, Any], ...], Detector] = {}


def _options(detector: Optional[Detector], options: Dict[str, Any]) -> Dict[str, Any]:
    if detector is not None:
        if options:
            raise TypeError("pass either a detector or detector options, not both")
        return dict(detector.config)
    options = dict(options)
    options.setdefault("threads", 1)
    return options


def _key(options: Dict[str, Any]) -> Tuple[Tuple[str, Any], ...]:
    def freeze(v: Any) -> Any:
        return tuple(freeze(x) for x in v) if isinstance(v, (list, tuple)) else v

    return tuple(sorted((k, freeze(v)) for k, v in options.items()))


def detector_for(options: Dict[str, Any]) -> Detector:
    """The detector of this process for ``options``, built on first use (one per executor)."""
    key = _key(options)
    detector = _DETECTORS.get(key)
    if detector is None:
        detector = _DETECTORS[key] = Detector(**options)
    return detector


def _blocks_dicts(blocks: List[Any]) -> List[Dict[str, Any]]:
    return [b.to_dict() for b in blocks]


def _process(
    detector: Detector, texts: List[Optional[str]], want_text: bool = True, want_blocks: bool = True
) -> Tuple[List[Optional[str]], List[Optional[List[Dict[str, Any]]]]]:
    """Cleaned texts and blocks of a batch (only what is wanted); nulls (None/NaN) stay null."""
    present = [i for i, t in enumerate(texts) if isinstance(t, str)]
    batch = [texts[i] for i in present] if len(present) < len(texts) else texts
    cleaned: List[Optional[str]] = [None] * len(texts)
    blocks: List[Optional[List[Dict[str, Any]]]] = [None] * len(texts)
    if want_text and want_blocks:
        results: Iterable[Tuple[Optional[str], Optional[List[Any]]]] = detector.scan_clean_many(batch)
    elif want_text:
        results = ((text, None) for text in detector.clean_many(batch))
    elif want_blocks:
        results = ((None, found) for found in detector.scan_many(batch))
    else:
        results = ()
    for i, (text, found) in zip(present, results):
        cleaned[i] = text
        if found is not None:
            blocks[i] = _blocks_dicts(found)
    return cleaned, blocks


def clean(
    df: Any,
    column: str = "text",
    *,
    output_column: Optional[str] = None,
    blocks_column: Optional[str] = None,
    keep_text: bool = False,
    detector: Optional[Detector] = None,
    **options: Any,
) -> Any:
    """``df`` with boilerplate removed from ``column``.

    Args:
        df: a ``pyspark.sql.DataFrame``.
        column: the text column (string).
        output_column: where the cleaned text goes (default: ``column`` itself). A new name
            adds a column at the end.
        blocks_column: if given, also add the removed blocks (offsets into the original text).
        keep_text: leave the text untouched (annotate only; needs ``blocks_column``).
        detector: a Detector whose options to use (it is rebuilt once per executor), or
        **options: the Detector's keyword arguments.

    Returns:
        A DataFrame with the same rows in the same partitions and every other column as it was.
    """
    from pyspark.sql.types import StructField, StructType, StringType, _parse_datatype_string

    if column not in df.columns:
        raise ValueError(f"no column {column!r} in {df.columns}")
    if keep_text and not blocks_column:
        raise ValueError("keep_text=True needs blocks_column")
    opts = _options(detector, options)
    Detector(**opts)  # fail fast on the driver with the same error the executors would raise
    output_column = output_column or column
    fields = list(df.schema.fields)
    if keep_text:
        output_column = column
    if output_column != column and output_column not in df.columns:
        fields.append(StructField(output_column, StringType(), True))
    if blocks_column:
        fields = [f for f in fields if f.name != blocks_column]
        fields.append(StructField(blocks_column, _parse_datatype_string(BLOCKS_TYPE), True))
    schema = StructType(fields)

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        det = detector_for(opts)
        for pdf in batches:
            cleaned, blocks = _process(det, pdf[column].tolist(), not keep_text, bool(blocks_column))
            if not keep_text:
                pdf[output_column] = cleaned
            if blocks_column:
                pdf[blocks_column] = blocks
            yield pdf[[f.name for f in schema.fields]]

    return df.mapInPandas(run, schema)


def annotate(df: Any, column: str = "text", *, blocks_column: str = "boilerplate", detector: Optional[Detector] = None, **options: Any) -> Any:
    """``df`` with a ``blocks_column`` listing the boilerplate blocks of ``column``; the text
    is left as it is. Arguments as for :func:`clean`."""
    return clean(df, column, blocks_column=blocks_column, keep_text=True, detector=detector, **options)


def clean_udf(detector: Optional[Detector] = None, **options: Any) -> Callable[..., Any]:
    """A pandas UDF (string → string) that removes boilerplate: ``df.select(clean_udf()("text"))``."""
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    opts = _options(detector, options)
    Detector(**opts)

    @pandas_udf("string")  # type: ignore[misc]
    def boilerguard_clean(texts: pd.Series) -> pd.Series:
        cleaned, _ = _process(detector_for(opts), texts.tolist(), want_blocks=False)
        return pd.Series(cleaned, index=texts.index, dtype=object)

    return boilerguard_clean  # type: ignore[no-any-return]


def scan_udf(detector: Optional[Detector] = None, **options: Any) -> Callable[..., Any]:
    """A pandas UDF (string → :data:`BLOCKS_TYPE`) listing the boilerplate blocks of a text."""
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    opts = _options(detector, options)
    Detector(**opts)

    @pandas_udf(BLOCKS_TYPE)  # type: ignore[misc]
    def boilerguard_scan(texts: pd.Series) -> pd.Series:
        _, blocks = _process(detector_for(opts), texts.tolist(), want_text=False)
        return pd.Series(blocks, index=texts.index, dtype=object)

    return boilerguard_scan  # type: ignore[no-any-return]
