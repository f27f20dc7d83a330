import gc
import threading

from saleor_amazon_feeds.heap import (
    BUILD_GEN0_THRESHOLD,
    build_collection,
    freeze_heap,
)


def test_build_raises_the_young_threshold_and_restores_it():
    before = gc.get_threshold()
    with build_collection():
        assert gc.get_threshold() == (
            max(BUILD_GEN0_THRESHOLD, before[0]),
            *before[1:],
        )
    assert gc.get_threshold() == before


def test_nested_and_concurrent_builds_restore_once_the_last_ends():
    before = gc.get_threshold()
    inside = threading.Event()
    release = threading.Event()

    def other_build():
        with build_collection(20_000):
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other_build)
    with build_collection(30_000):
        thread.start()
        assert inside.wait(5)
        with build_collection(40_000):
            # The first build's setting holds for all of them.
            assert gc.get_threshold()[0] == max(30_000, before[0])
    # The other build still runs: still raised.
    assert gc.get_threshold()[0] == max(30_000, before[0])
    release.set()
    thread.join(5)
    assert gc.get_threshold() == before


def test_a_build_that_fails_restores_the_threshold():
    before = gc.get_threshold()
    try:
        with build_collection():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before


def test_freeze_moves_the_heap_out_of_the_collector():
    survivor = [object() for _ in range(1000)]
    try:
        assert freeze_heap() >= len(survivor)
        # Frozen objects are out of every generation the collector walks.
        assert not any(o is survivor for o in gc.get_objects())
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
