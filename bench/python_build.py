"""The feed build's pure-Python part, timed apart from the database.

``BENCH_PROFILE=dump make bench`` (with ``BENCH_FILES=bench/bench_figures.py``)
pickles a size's LISTINGS run and catalog pages to ``BENCH_DUMP`` (default
``/tmp/bench-pages.pickle``); this script then builds them as the three
kinds' builds do (``catalog.build.build_page``, schema validation on, every
offer let through the gate), with no database, so a change to the build can
be timed in seconds, alternating with the code before it, on a machine whose
speed moves by a third between minutes:

    .venv/bin/python -m bench.python_build [--runs N] [--profile] [path]

It prints the CPU seconds of each run and a digest of every message and
left-out reason built: equal digests mean the change built the same feeds.
"""

import argparse
import cProfile
import dataclasses
import hashlib
import pickle
import pstats
import time

from saleor_amazon_feeds import heap
from saleor_amazon_feeds.catalog import build
from saleor_amazon_feeds.catalog.types import Batch, FeedKind
from saleor_amazon_feeds.listings.gate import OfferDecision
from saleor_amazon_feeds.listings.schema_validation import ProductTypeSchema

KINDS = (FeedKind.LISTINGS, FeedKind.INVENTORY, FeedKind.PRICES)


class _Known:
    """Every SKU is listed: offers go out with the product type built."""

    def prepare(self, skus) -> None:
        list(skus)

    def decide(self, sku: str, listed_as: str | None = None) -> OfferDecision:
        return OfferDecision(product_type=listed_as or "SHIRT")


def build_all(run: build.Run, pages: list, schemas: dict) -> list[Batch]:
    """Each kind's build of the pages, as a submission runs them one after
    the other, each with a run (and caches) of its own; schemas compiled
    afresh, as a worker meeting them for the first time."""
    compiled = {name: ProductTypeSchema(schema) for name, schema in schemas.items()}
    batches = []
    for kind in KINDS:
        kind_run = dataclasses.replace(run, kinds=frozenset([kind]))
        kind_run.schema_provider = compiled.get
        batches += [build.build_page(kind_run, page, _Known()) for page in pages]
    return batches


def digest(batches: list[Batch]) -> tuple[str, int, int]:
    hashed = hashlib.sha256()
    messages = skipped = 0
    for batch in batches:
        for built in batch.messages:
            hashed.update(built.digest.encode())
            messages += 1
        for s in batch.skipped:
            hashed.update(repr((s.product_id, s.variant_id, s.reason)).encode())
            skipped += 1
    return hashed.hexdigest()[:16], messages, skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default="/tmp/bench-pages.pickle")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with open(args.path, "rb") as dumped:
        run, pages, schemas = pickle.load(dumped)
    heap.freeze_heap()
    if args.profile:
        profiler = cProfile.Profile()
        with heap.build_collection():
            profiler.runcall(build_all, run, pages, schemas)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return
    best = None
    for index in range(args.runs):
        with heap.build_collection():
            started = time.process_time()
            batches = build_all(run, pages, schemas)
            seconds = time.process_time() - started
        best = seconds if best is None else min(best, seconds)
        print(f"run {index}: {seconds:.3f} s CPU")
    print(f"best {best:.3f} s CPU; digest, messages, left out: {digest(batches)}")


if __name__ == "__main__":
    main()
