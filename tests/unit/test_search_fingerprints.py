"""Near-duplicate fingerprints: syndicated copies look alike, different op-eds do not."""

from pipeline.index.neardup import BANDS, THRESHOLD, fingerprint, shingles, similarity
from pipeline.local.fixture_site.content_opinion import SEED_PARAGRAPHS
from pipeline.local.fixture_site.outlets import NORTHERN_TRIBUNE

SEED = "\n\n".join(SEED_PARAGRAPHS)
OTHER_OPED = "\n\n".join(NORTHERN_TRIBUNE.articles[1].paragraphs)


def test_a_trimmed_copy_with_a_new_sign_off_is_near_identical() -> None:
    copy = "\n\n".join([*SEED_PARAGRAPHS[:-1], "Igor Ivanov is Russia's foreign minister."])
    a, b = fingerprint(SEED), fingerprint(copy)
    assert similarity(a, b) >= THRESHOLD
    assert set(a.bands) & set(b.bands)  # so the lookup in Elasticsearch finds it


def test_a_different_op_ed_on_the_same_topic_is_not_similar() -> None:
    assert {"iraq", "inspectors"} <= {w for s in shingles(OTHER_OPED) for w in s.decode().split()}
    assert similarity(fingerprint(SEED), fingerprint(OTHER_OPED)) < 0.2


def test_fingerprints_are_deterministic_and_case_and_punctuation_blind() -> None:
    a = fingerprint(SEED)
    assert a == fingerprint(SEED)
    assert similarity(a, fingerprint(SEED.upper().replace(",", " "))) == 1.0
    assert len(a.bands) == BANDS and len(set(a.bands)) == BANDS


def test_short_and_empty_texts_still_fingerprint() -> None:
    assert shingles("two words") == {b"two words"}
    assert shingles("") == set()
    assert len(fingerprint("").bands) == BANDS
