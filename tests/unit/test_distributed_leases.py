"""A lease ends when all the work its page produced is durable, and not before."""

from __future__ import annotations

from pipeline.crawl.distributed.leases import LeaseBook


class Acks:
    def __init__(self) -> None:
        self.done: list[bytes] = []

    def __call__(self, leases: list[bytes]) -> None:
        self.done.extend(leases)


async def _flush() -> None:
    return None


def test_a_lease_is_acknowledged_when_its_last_hold_is_released() -> None:
    acks = Acks()
    book = LeaseBook(acks)
    book.hold(b"page")  # the download
    book.hold(b"page")  # a link found on it
    book.release(b"page")
    assert acks.done == []
    book.release(b"page")
    assert acks.done == [b"page"]
    assert len(book) == 0


def test_an_article_lease_waits_for_the_index_flush() -> None:
    acks = Acks()
    book = LeaseBook(acks)
    book.flusher = _flush
    book.hold(b"article")
    book.release_after_flush(b"article")
    assert acks.done == []
    book.release_all(book.take_awaiting_flush())
    assert acks.done == [b"article"]


def test_without_a_batching_index_pipeline_an_article_is_released_at_once() -> None:
    acks = Acks()
    book = LeaseBook(acks)
    book.hold(b"article")
    book.release_after_flush(b"article")
    assert acks.done == [b"article"]


def test_settling_an_idle_worker_acknowledges_what_no_signal_finished() -> None:
    acks = Acks()
    book = LeaseBook(acks)
    book.hold(b"failed-download")
    book.hold(b"later")
    book.settle([b"failed-download"])
    assert acks.done == [b"failed-download"]
    assert book.leases() == [b"later"]


def test_releasing_an_unknown_lease_does_nothing() -> None:
    acks = Acks()
    LeaseBook(acks).release(b"never-held")
    assert acks.done == []
