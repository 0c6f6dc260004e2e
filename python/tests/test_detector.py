"""The Python API: offsets, cleaning, batches, options, errors, pickling, threads."""
import pickle
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import boilerguard
from boilerguard import Block, Detector, PatternError

from conftest import BAD_PATTERNS, FIXTURE_PATTERNS

BODY = "Le conseil a voté le budget mardi — 日本語のテキスト — et l’opposition s’est abstenue."
DONATION = "Please support our newsroom today."
NEWSLETTER = "Sign up for the morning brief."
DOC = f"{BODY}\n{DONATION}\n{NEWSLETTER}\n"


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector(FIXTURE_PATTERNS, builtin=False)


def test_offsets_are_code_points_not_bytes(det: Detector) -> None:
    blocks = det.scan(DOC)
    assert [(DOC[b.start : b.end], b.category, b.score, b.patterns) for b in blocks] == [
        (DONATION, "donation", 1.0, ["en.donation.test-support-our-newsroom"]),
        (NEWSLETTER, "newsletter", 1.0, ["en.newsletter.test-sign-up"]),
    ]
    assert blocks[0].start == len(BODY) + 1 != len((BODY + "\n").encode())


def test_clean_removes_whole_lines_and_keeps_the_rest(det: Detector) -> None:
    assert det.clean(DOC) == BODY + "\n"
    assert det.clean(BODY) == BODY
    assert det.clean("") == ""
    assert det.clean(DONATION) == ""
    assert det.scan_clean(DOC) == (det.clean(DOC), det.scan(DOC))


def test_builtin_patterns_are_embedded() -> None:
    text = (
        "The council approved the budget on Tuesday.\n"
        "The views expressed in this article are those of the author and do not necessarily "
        "reflect the views of this publication."
    )
    d = Detector()
    assert [b.category for b in d.scan(text)] == ["disclaimer"]
    assert d.clean(text) == "The council approved the budget on Tuesday.\n"
    assert d.pattern_ids and all(isinstance(p, str) for p in d.pattern_ids)


def test_many_keeps_input_order_and_equals_one_by_one(det: Detector) -> None:
    texts = [DOC if i % 3 == 0 else f"{BODY} {i}\n{DONATION}" if i % 3 == 1 else f"plain {i}" for i in range(3000)]
    assert det.scan_many(texts) == [det.scan(t) for t in texts]
    assert det.clean_many(texts) == [det.clean(t) for t in texts]
    assert det.scan_clean_many(iter(texts)) == [det.scan_clean(t) for t in texts]
    assert det.clean_many([]) == [] and det.scan_many(()) == []
    parallel = Detector(FIXTURE_PATTERNS, builtin=False, threads=2)
    assert parallel.clean_many(texts) == det.clean_many(texts)


def test_unchanged_texts_come_back_as_the_same_objects(det: Detector) -> None:
    text = "nothing to remove here " * 3
    assert det.clean(text) is text
    assert det.clean_many([text])[0] is text


def test_batch_arguments_are_checked(det: Detector) -> None:
    with pytest.raises(TypeError, match="not a str"):
        det.clean_many("a text")
    with pytest.raises(TypeError, match=r"texts\[1\]: expected str, found int"):
        det.scan_many(["ok", 3])
    with pytest.raises(TypeError):
        det.scan(None)  # type: ignore[arg-type]


def test_categories_select_what_is_labeled() -> None:
    only = Detector(FIXTURE_PATTERNS, builtin=False, categories=["donation"])
    assert [b.category for b in only.scan(DOC)] == ["donation"]
    both = Detector(FIXTURE_PATTERNS, builtin=False, categories="donation, newsletter")
    assert len(both.scan(DOC)) == 2
    assert Detector(FIXTURE_PATTERNS, builtin=False, categories="all").config["categories"] == ["all"]
    assert Detector(FIXTURE_PATTERNS, builtin=False, categories=[]).scan(DOC) == []


def test_options_reach_the_detector() -> None:
    d = Detector([str(FIXTURE_PATTERNS)], builtin=False, threshold=0.9, languages="en", blocks="lines", threads=1)
    assert d.config == {
        "patterns": [str(FIXTURE_PATTERNS)],
        "builtin": False,
        "categories": None,
        "threshold": 0.9,
        "languages": ["en"],
        "blocks": "lines",
        "threads": 1,
    }


@pytest.mark.parametrize(
    ("languages", "message"),
    [
        (["de"], "no patterns for language `de`"),
        (["EN", "eng"], "unknown language code `eng`"),
        ("en, english", "unknown language code `english`"),
    ],
)
def test_languages_that_select_nothing_are_refused(languages: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Detector(FIXTURE_PATTERNS, builtin=False, languages=languages)


def test_language_codes_are_trimmed_and_lower_cased() -> None:
    assert Detector(FIXTURE_PATTERNS, builtin=False, languages=[" EN "]).scan(DOC) == Detector(
        FIXTURE_PATTERNS, builtin=False
    ).scan(DOC)


def test_detector_pickles_as_its_options(det: Detector) -> None:
    again = pickle.loads(pickle.dumps(det))
    assert again.config == det.config
    assert again.scan(DOC) == det.scan(DOC)
    assert pickle.loads(pickle.dumps(det.scan(DOC))) == det.scan(DOC)
    assert "builtin=False" in repr(det)


def test_one_detector_is_shared_by_threads(det: Detector) -> None:
    texts = [f"{i}\n{DOC}" if i % 2 else BODY for i in range(400)]
    expected = [det.scan(t) for t in texts]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(det.scan, texts)) == expected
        batches = [texts[i : i + 50] for i in range(0, len(texts), 50)]
        assert [b for r in pool.map(det.scan_many, batches) for b in r] == expected


def test_block_is_a_plain_value() -> None:
    b = Block(3, 9, "donation", 0.75, ["x"])
    assert b == Block(3, 9, "donation", 0.75, ["x"]) != Block(3, 9, "donation", 0.75)
    assert b.to_dict() == {"start": 3, "end": 9, "category": "donation", "score": 0.75, "patterns": ["x"]}
    assert repr(b) == "Block(start=3, end=9, category=\"donation\", score=0.75, patterns=[\"x\"])"


def cli_error(cli: str, *args: str) -> str:
    """The CLI's error message for `explain` with these flags, without its prefix."""
    run = subprocess.run([cli, "explain", "-", *args], input="", capture_output=True, text=True)
    assert run.returncode == 2, run
    return run.stderr.strip().removeprefix("boilerguard: error: ")


def test_pattern_errors_carry_the_cli_message(cli: str) -> None:
    with pytest.raises(PatternError) as caught:
        Detector(BAD_PATTERNS, builtin=False)
    assert str(caught.value) == cli_error(cli, "--no-builtin", "--patterns", str(BAD_PATTERNS))
    assert isinstance(caught.value, ValueError)
    assert caught.value.pattern_id == "en.donation.broken"
    assert caught.value.file == str(BAD_PATTERNS / "en" / "donation.toml") and caught.value.line == 2
    missing = Path(BAD_PATTERNS) / "missing"
    with pytest.raises(PatternError) as caught:
        Detector(missing)
    assert str(caught.value) == cli_error(cli, "--patterns", str(missing))
    assert caught.value.line is None, "an error without a line has no line, not line 0"


def test_bad_options_raise_value_errors_like_the_cli(cli: str) -> None:
    with pytest.raises(ValueError) as caught:
        Detector(categories=["donation", "bogus"])
    assert str(caught.value) == cli_error(cli, "--categories", "donation,bogus")
    with pytest.raises(ValueError, match="threshold must be between 0 and 1, found 1.5"):
        Detector(threshold=1.5)
    with pytest.raises(ValueError, match="threshold must be between 0 and 1"):
        Detector(threshold=float("nan"))
    with pytest.raises(ValueError, match="builtin=False needs at least one patterns directory"):
        Detector(builtin=False)
    with pytest.raises(ValueError, match="possible values: auto, lines, paragraphs"):
        Detector(blocks="sentences")
    with pytest.raises(TypeError, match="unexpected keyword argument 'treshold'"):
        Detector(treshold=0.5)


def test_explain_is_the_cli_report(cli: str, det: Detector) -> None:
    run = subprocess.run(
        [cli, "explain", "-", "--no-builtin", "--patterns", str(FIXTURE_PATTERNS)],
        input=DOC, capture_output=True, text=True, check=True,
    )
    # The same report but for the unit of its offsets: code points here, bytes in the CLI.
    offsets = re.compile(r" at \d+\.\.\d+: ")
    assert offsets.sub(" at _: ", det.explain(DOC)) == offsets.sub(" at _: ", run.stdout)
    assert det.explain(DOC) != run.stdout, "DOC has non-ASCII text before a hit"
    assert "[donation]" in det.explain(DOC)


def test_explain_offsets_are_code_points_like_blocks() -> None:
    det = Detector()
    text = "Él añadió: ¡ojalá llueva!\nPlease donate to support our journalism today.\n"
    hits = re.findall(r' at (\d+)\.\.(\d+): "([^"]*)"', det.explain(text))
    assert hits, det.explain(text)
    for start, end, quoted in hits:
        assert text[int(start) : int(end)].lower() == quoted.lower()


def test_package_metadata() -> None:
    assert boilerguard.__version__
    assert boilerguard.PatternError is PatternError
    assert (Path(boilerguard.__file__).parent / "py.typed").exists()
    assert (Path(boilerguard.__file__).parent / "__init__.pyi").exists()
