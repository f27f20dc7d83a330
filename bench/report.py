"""Collects the figures of one `make bench` run; writes bench.json and bench.png."""

import json
import os
import platform
import time
from pathlib import Path

OUT = Path(os.environ.get("BENCH_OUT", Path(__file__).resolve().parent.parent))
RESULTS_DIR = OUT / "bench-results"
RESULTS: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "figures": {}}


def record(name: str, **figures) -> None:
    RESULTS["figures"].setdefault(name, {}).update(figures)


def record_size(name: str, variants: int, **figures) -> None:
    """Figures of one catalog size, merged into that size's entry of the list
    ``figures[name]`` (several bench tests may fill one entry: ``feed_build``
    gets its full build, baselines, no-op, incremental and two-worker runs)."""
    entries = RESULTS["figures"].setdefault(name, [])
    for entry in entries:
        if entry["variants"] == variants:
            entry.update(figures)
            return
    entries.append({"variants": variants, **figures})
    entries.sort(key=lambda entry: entry["variants"])


def lines() -> list[str]:
    """One human line per figure, each a ratio against a same-run baseline."""
    f = RESULTS["figures"]
    out = []
    for size in f.get("feed_build", []):
        out.extend(_feed_build_lines(size))
    for entry in f.get("feed_build", []):
        base = entry.get("incremental_baseline_s")
        if not base or "noop_s" not in entry:
            continue
        out.append(
            f"incremental feed build (production path), {entry['variants']:>7} "
            f"variants: no-op "
            f"{entry['noop_s'] / base:.3f}x (target <= 0.02), 1% changed "
            f"{entry['incremental_1pct_s'] / base:.3f}x (target <= 0.05) of the "
            f"full build ({base:.2f}s; no-op {entry['noop_s']:.3f}s, 1% "
            f"{entry['incremental_1pct_s']:.3f}s), loader "
            f"{entry['loader_page_ms']:.1f} ms/page"
        )
    for entry in f.get("feed_build", []):
        if not entry.get("workers2_s"):
            continue
        one = entry.get("workers1_s")
        ratio = (
            f"{entry['workers2_s'] / one:.2f}x of one worker ({one:.2f}s)"
            if one
            else "one worker not measured"
        )
        out.append(
            f"full feed submission on two workers, {entry['variants']:>7} variants: "
            f"{entry['workers2_s']:.2f}s = {ratio}; split build, documents, "
            "uploads and createFeed on real Celery workers"
        )
    pages = [e for e in f.get("feed_build", []) if e.get("loader_page_ms")]
    if len(pages) > 1:
        out.append(
            "loader time per page, largest/smallest catalog: "
            f"{pages[-1]['loader_page_ms'] / pages[0]['loader_page_ms']:.2f}x "
            "(flat = ~1x)"
        )
    r = f.get("reconcile")
    if r:
        out.append(
            f"reconciliation of {r['variants']} variants: {r['reconcile_s']:.3f}s "
            "(target < 0.3s); "
            f"{r['speedup_vs_orm_loop']:.0f}x faster than the per-variant ORM loop "
            f"(extrapolated from {r['orm_loop_sample']} variants), "
            f"{r['ratio_vs_bare_read']:.2f}x a bare SELECT of the same rows"
        )
        if "checkout_logged_ms" in r:
            out.append(
                "the stock logging triggers on Saleor's writers: a checkout's "
                f"writes {r['checkout_logged_ms'] / r['checkout_unlogged_ms']:.2f}x "
                f"({r['checkout_logged_ms']:.2f} ms against "
                f"{r['checkout_unlogged_ms']:.2f} ms without), a restock of 1% "
                f"{r['restock_logged_ms'] / r['restock_unlogged_ms']:.2f}x "
                f"({r['restock_logged_ms']:.1f} ms against "
                f"{r['restock_unlogged_ms']:.1f} ms), new prices for 1% "
                f"{r['reprice_logged_ms'] / r['reprice_unlogged_ms']:.2f}x"
            )
    o = f.get("order_import")
    if o:
        out.append(
            f"order import of {o['orders']} orders vs bare orderBulkCreate: "
            f"{o['ratio']:.2f}x (target <= 1.1x; import {o['import_s']:.2f}s, "
            f"bare {o['bare_s']:.2f}s)"
            + (
                f"; the plugin's own part {o['plugin_s']:.2f}s = "
                f"{o['plugin_s'] / o['bare_s']:.1%} of bare"
                if "plugin_s" in o
                else ""
            )
        )
    q = f.get("quota")
    if q:
        each = ", ".join(f"{r['fraction_of_ceiling']:.2f}" for r in q.get("runs", []))
        out.append(
            f"sync against the sandbox quota: {q['feeds_per_window']:.2f} feeds per "
            f"window of 5 = {q['fraction_of_ceiling']:.2f} of the ceiling in the "
            f"worst run (target >= 0.95 in every run; runs: {each}), "
            f"{q['feeds']} feeds ({q['full_feeds']} full of {q['feed_size']}), "
            f"429s: {q['throttled']}"
        )
    lat = f.get("latency")
    if lat:
        out.append(
            f"latency with production settings (time scale 1): sell-out to "
            f"quantity 0 at Amazon {lat['sellout_s']:.1f}s (target < 10s), "
            f"stock change {lat['change_s']:.1f}s = "
            f"{lat['change_s'] / lat['change_floor_s']:.2f}x its floor "
            f"(settle {lat['settle_s']:.0f}s + feed processing "
            f"{lat['processing_s']:.0f}s)"
        )
    return out


def _feed_build_lines(size: dict) -> list[str]:
    """The production feed build of one catalog size against its baselines
    (entries other bench tests fill without a full build are left out)."""
    full = size.get("full_s")
    if not full:
        return []
    head = f"feed build (production path), {size['variants']:>7} variants"
    out = [
        f"{head}: {full:.2f}s, {size.get('messages', 0)} messages, "
        f"{size.get('skipped', 0)} left out, peak {size.get('peak_mib', 0):.1f} MiB"
    ]
    if size.get("floor_s"):
        out.append(
            f"{head}: full / floor = {full / size['floor_s']:.2f}x (target <= 3x; "
            f"floor {size['floor_s']:.2f}s)"
        )
    if size.get("graphql_s"):
        out.append(
            f"{head}: GraphQL / full = {size['graphql_s'] / full:.1f}x (target >= "
            f"20x; Saleor products query {size['graphql_s']:.2f}s)"
        )
    if size.get("csv_s"):
        out.append(
            f"{head}: CSV / full = {size['csv_s'] / full:.2f}x (target > 1x; "
            f"Saleor CSV export {size['csv_s']:.2f}s)"
        )
    if size.get("gc_default_s"):
        out.append(
            f"{head}: untuned GC / full = {size['gc_default_s'] / full:.2f}x "
            f"(heap freeze + build thresholds; untuned {size['gc_default_s']:.2f}s)"
        )
    if size.get("one_pass_validation_s"):
        out.append(
            f"{head}: one-pass validation / full = "
            f"{size['one_pass_validation_s'] / full:.2f}x (validator before issue "
            f"14: {size['one_pass_validation_s']:.2f}s)"
        )
    return out


def write() -> Path | None:
    if not RESULTS["figures"]:
        return None
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    RESULTS["machine"] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }
    RESULTS["summary"] = lines()
    path = RESULTS_DIR / "bench.json"
    path.write_text(json.dumps(RESULTS, indent=2, default=str) + "\n")
    _plot()
    return path


def _plot() -> None:
    sizes = [s for s in RESULTS["figures"].get("feed_build", []) if s.get("full_s")]
    if not sizes:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [s["variants"] for s in sizes]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for key, label in (
        ("full_s", "feed build (production path)"),
        ("floor_s", "floor: plain reads + orjson"),
        ("csv_s", "Saleor CSV export"),
        ("graphql_s", "Saleor GraphQL products"),
    ):
        if all(key in s for s in sizes):
            ax1.plot(x, [s[key] for s in sizes], "o-", label=label)
    ax1.set_xlabel("variants")
    ax1.set_ylabel("seconds")
    ax1.set_yscale("log")
    ax1.set_title("Time against catalog size")
    ax1.legend()
    ax2.plot(x, [s["peak_mib"] for s in sizes], "o-", label="peak MiB")
    ax2.set_xlabel("variants")
    ax2.set_title("Feed build: peak memory")
    ax2.set_ylim(bottom=0)
    ax2.legend()
    fig.tight_layout()
    fig.savefig(RESULTS_DIR / "bench.png", dpi=100)
    plt.close(fig)
