"""PySpark in local mode (local[2]): the helpers clean and annotate a DataFrame column."""
import pytest

pyspark = pytest.importorskip("pyspark")

from pyspark.sql import SparkSession  # noqa: E402

from boilerguard import Detector  # noqa: E402
from boilerguard import spark as bg  # noqa: E402

from conftest import FIXTURE_PATTERNS  # noqa: E402

BODY = "Le conseil a voté — 日本語."
DONATION = "Please support our newsroom today."
NEWSLETTER = "Sign up for the morning brief."
ROWS = [
    (1, f"{BODY}\n{DONATION}\n", "a"),
    (2, "Nothing to see here.", "b"),
    (3, None, "c"),
    (4, f"{NEWSLETTER}\nThe match ended 2–1.\n{DONATION}", "d"),
    (5, "", "e"),
    (6, "été\nPlease support our newsroom today!", "f"),
]


@pytest.fixture(scope="module")
def spark():
    session = (
        SparkSession.builder.master("local[2]")
        .appName("boilerguard-test")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def df(spark):
    return spark.createDataFrame(ROWS, "id long, text string, tag string").repartition(2)


def test_clean_replaces_the_column_and_keeps_the_rest(df) -> None:
    out = bg.clean(df, "text", patterns=str(FIXTURE_PATTERNS), builtin=False)
    assert out.columns == ["id", "text", "tag"]
    rows = sorted(out.collect(), key=lambda r: r.id)
    assert [(r.id, r.text, r.tag) for r in rows] == [
        (1, f"{BODY}\n", "a"),
        (2, "Nothing to see here.", "b"),
        (3, None, "c"),
        (4, "The match ended 2–1.\n", "d"),
        (5, "", "e"),
        (6, "été\n", "f"),
    ]


def test_clean_into_new_columns_with_blocks(df) -> None:
    detector = Detector(FIXTURE_PATTERNS, builtin=False, categories=["donation"])
    out = bg.clean(df, "text", output_column="clean", blocks_column="boilerplate", detector=detector)
    assert out.columns == ["id", "text", "tag", "clean", "boilerplate"]
    rows = {r.id: r for r in out.collect()}
    assert rows[4].text == ROWS[3][1]
    assert rows[4].clean == f"{NEWSLETTER}\nThe match ended 2–1.\n"
    assert [b.asDict() for b in rows[1].boilerplate] == [
        {"start": len(BODY) + 1, "end": len(BODY) + 1 + len(DONATION), "category": "donation", "score": 1.0,
         "patterns": ["en.donation.test-support-our-newsroom"]}
    ]
    assert [(b.start, b.end) for b in rows[6].boilerplate] == [(4, 4 + len("Please support our newsroom today!"))]
    assert rows[2].boilerplate == [] and rows[3].boilerplate is None and rows[3].clean is None


def test_annotate_and_udfs_agree_with_the_detector(df) -> None:
    detector = Detector(FIXTURE_PATTERNS, builtin=False)
    annotated = bg.annotate(df, detector=detector)
    assert annotated.columns == ["id", "text", "tag", "boilerplate"]
    via_udf = df.select("id", "text", bg.clean_udf(detector)("text").alias("clean"), bg.scan_udf(detector)("text").alias("blocks"))
    for row in via_udf.collect():
        if row.text is None:
            assert row.clean is None and row.blocks is None
            continue
        assert row.clean == detector.clean(row.text)
        assert [b.asDict() for b in row.blocks] == [b.to_dict() for b in detector.scan(row.text)]
    texts = {r.id: r for r in annotated.collect()}
    assert [b.category for b in texts[4].boilerplate] == ["newsletter", "donation"]
    assert texts[4].text == ROWS[3][1]


def test_bad_options_fail_on_the_driver(df) -> None:
    with pytest.raises(ValueError, match="unknown category `bogus`"):
        bg.clean(df, "text", categories=["bogus"])
    with pytest.raises(ValueError, match="no column 'body'"):
        bg.clean(df, "body")
