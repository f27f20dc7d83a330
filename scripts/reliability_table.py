"""Write the counts of the last reliability test run into docs/reliability.md.

The reliability tests (tests/saleor/test_reliability_*.py) write what they
counted to .cache/reliability/<scenario>.json; this script renders the table
between the ``<!-- counts:start -->`` and ``<!-- counts:end -->`` markers, so
the document states the numbers of the last run and nothing made up. A
scenario without a file (not run, or another branch's) keeps a TODO row.

    .venv/bin/python scripts/reliability_table.py
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / ".cache" / "reliability"
DOC = ROOT / "docs" / "reliability.md"
START, END = "<!-- counts:start -->", "<!-- counts:end -->"


def _quota(c: dict) -> str:
    return (
        f"{c['throttled_total']} 429s; at most {c['most_feeds_in_a_quota_window']} "
        f"of {c['quota_limit']} feeds in any quota window ({c['feeds_created']} feeds)"
    )


# (scenario file, what was tried, what held) per row, in the table's order.
ROWS = [
    (
        "concurrent_workers_drain_and_import",
        lambda c: (
            f"{c['worker_processes']} worker processes at once: "
            f"{c['drains_sent_at_once']} drains of an outbox of {c['variants']} "
            f"variants while {c['stock_changes_during_drain']} stock changes "
            f"arrive, and {c['import_jobs_at_once']} import jobs over the same "
            f"{c['amazon_orders']} Amazon orders"
        ),
        lambda c: (
            f"{c['orders_imported']} orders imported, "
            f"{c['orders_imported_twice']} twice; {c['updates_lost']} updates "
            f"lost; {_quota(c)}"
        ),
        "test_reliability_concurrency.py::test_four_workers_drain_the_outbox_and_"
        "import_orders_at_once",
    ),
    (
        "beat_twice",
        lambda c: (
            f"beat sends the drain, the scheduled order import and the feed "
            f"poll twice at once ({c['tasks_sent_twice']} tasks)"
        ),
        lambda c: (
            f"{c['feeds_created']} feeds (one per kind), "
            f"{c['orders_imported_twice']} orders imported twice, "
            f"{c['updates_lost']} updates lost; {_quota(c)}"
        ),
        "test_reliability_concurrency.py::test_beat_sending_a_periodic_task_twice_"
        "at_once_doubles_nothing",
    ),
    (
        "manual_during_drain",
        lambda c: (
            f"amazonSubmitFeeds (through the second Saleor server) while the "
            f"automatic drain sends {c['variants']} variants and stock changes"
        ),
        lambda c: (
            f"{c['manual_submissions']} manual submissions "
            f"({', '.join(c['manual_statuses'])}); {c['updates_lost']} updates "
            f"lost; {_quota(c)}"
        ),
        "test_reliability_concurrency.py::test_manual_submission_during_the_"
        "automatic_drain",
    ),
    (
        "overlapping_import_windows",
        lambda c: (
            f"{c['import_jobs']} import jobs with overlapping windows over "
            f"{c['amazon_orders']} Amazon orders, "
            f"{c['cancelled_on_amazon_meanwhile']} cancelled on Amazon meanwhile"
        ),
        lambda c: (
            f"{c['orders_imported']} orders imported, "
            f"{c['orders_imported_twice']} twice; the cancelled one cancelled"
        ),
        "test_reliability_concurrency.py::test_the_same_orders_in_overlapping_"
        "import_windows",
    ),
    (
        "two_saleor_servers_stock_webhooks",
        lambda c: (
            f"{c['saleor_servers']} Saleor servers take {c['webhook_deliveries']} "
            f"signed stock webhooks for the same {c['variants']} variants "
            f"({c['stock_rounds']} rounds, some selling out)"
        ),
        lambda c: (
            f"{c['updates_lost']} updates lost, {c['urgent_patches']} urgent "
            f"PATCHes; {_quota(c)}"
        ),
        "test_reliability_concurrency.py::test_two_saleor_servers_take_stock_"
        "webhooks_for_the_same_variants",
    ),
    (
        "load_burst",
        lambda c: (
            f"burst of {c['stock_changes']:,} stock changes over "
            f"{c['variants']:,} variants ({c['webhook_deliveries']:,} webhook "
            f"deliveries to {c['saleor_servers']} Saleor servers, "
            f"{c['worker_processes']} workers, feeds of {c['feed_size']} messages)"
        ),
        lambda c: (
            f"{c['feeds_sent']} feeds, {c['messages_sent']:,} messages, "
            f"{c['urgent_patches']} urgent PATCHes; outbox left "
            f"{c['outbox_left']}; {c['updates_lost']} updates lost; {_quota(c)}; "
            f"burst sent in {c['burst_seconds']} s, on Amazon after "
            f"{c['settled_seconds']} s"
        ),
        "test_reliability_load.py::test_burst_of_ten_thousand_stock_changes_"
        "lands_within_the_quota",
    ),
]

# Amazon's faults and crash points: what their tests (test_reliability_faults.py,
# test_reliability_crashes.py) counted; docs/reliability.md (below the table) says what
# each fault and crash point ends in.
SUMMARIES = [
    (
        "faults",
        lambda c: (
            f"{c['fault_kinds_injected']} kinds of Amazon fault injected through "
            f"the sandbox's switches ({', '.join(c['switches'])})"
        ),
        lambda c: (
            f"{c['tests_passed']} fault tests passed: each ends in a clear status, "
            "backs off or pauses, and goes out by itself when the fault clears; "
            "nothing lost, nothing sent twice"
        ),
        "test_reliability_faults.py",
    ),
    (
        "crashes",
        lambda c: (
            f"{c['processes_killed']} processes SIGKILLed at {c['crash_points']} "
            f"crash points ({', '.join(c['points'])})"
        ),
        lambda c: (
            f"after a restart: {c['sent_or_created_twice']} feeds, orders or "
            f"confirmations sent or created twice, {c['lost']} changes lost"
        ),
        "test_reliability_crashes.py",
    ),
]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def table() -> str:
    lines = [
        "| what was tried | what held (counted by the test) | test | run |",
        "| --- | --- | --- | --- |",
    ]
    for name, tried, held, test in [*ROWS, *SUMMARIES]:
        path = RESULTS / f"{name}.json"
        if not path.exists():
            lines.append(f"| {name} | TODO: not run yet | `{test}` | - |")
            continue
        data = json.loads(path.read_text())
        counts = data["counts"]
        lines.append(
            f"| {_cell(tried(counts))} | {_cell(held(counts))} | `{test}` "
            f"| {data['finished_at']} |"
        )
    return "\n".join(lines)


def main() -> int:
    text = DOC.read_text()
    if START not in text or END not in text:
        print(f"{DOC} has no {START} ... {END} markers", file=sys.stderr)
        return 1
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{START}\n{table()}\n{END}{tail}")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
