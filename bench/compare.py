#!/usr/bin/env python
"""bench/results.md: two runs of bench/run.py side by side, today's (before issue 13,
bench/results-before.json) and the new one (bench/results.json), row by row (case, tickets,
clients). Sections other benchmarks write between markers (bench/sla_sweep.py) are kept."""

import argparse
import json
import re
import textwrap
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def load(path):
    data = json.loads(Path(path).read_text())
    return data["meta"], {(r["group"], r["case"], r["size"], r["clients"]): r for r in data["rows"]}


def wrap(text):
    return textwrap.wrap(text, 96)


def num(value, fmt="{:.1f}"):
    return "" if value is None else fmt.format(value)


def pair(before, after, field, fmt="{:.1f}"):
    old = num(before.get(field) if before else None, fmt)
    new = num(after.get(field) if after else None, fmt)
    return f"{old} → {new}" if old or new else ""


def header(meta):
    return (
        f"{meta['label'] or meta['commit']}: commit {meta['commit']}, {meta['when']}, tickets "
        f"ordered by `{meta['order_field']}`, {meta['total_s']} s in all (seeding {meta['seed_s']} s)"
    )


def render(before_meta, before, after_meta, after):
    keys = list(dict.fromkeys([*before, *after]))
    meta = after_meta
    intro = (
        f"`make bench` (bench/run.py, then bench/compare.py): uvicorn (ASGI) with {meta['workers']} "
        f"workers, production settings, on loopback, PostgreSQL and Redis on the same machine, "
        f"{meta['cores']} cores; {meta['seconds']} s per case, with "
        f"{' and '.join(map(str, meta['clients']))} concurrent clients, each request asking for "
        "gzip as a browser does. Each cell is today's figure → the new one. Before: "
        f"{header(before_meta)}. After: {header(after_meta)}. ×baseline is the case's p50 over "
        "the p50 of the baseline run just before it at the same size and clients: the same rows, "
        "one raw SQL query, a minimal view (bench/urls.py): the board's first 50 cards per column "
        "with their fields as bare HTML for the board page, the board and its columns with their "
        "counts for the board API, the 50 ticket rows for the ticket list API, the ticket with "
        "its messages, activity and checklist as bare HTML for the ticket page."
    )
    lines = ["# Benchmark results", "", *wrap(intro), ""]
    lines += [
        "## Reads",
        "",
        "| tickets | clients | case | p50 ms | p95 ms | req/s | ×baseline | statements |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key in keys:
        if key[0] != "reads":
            continue
        b, a = before.get(key), after.get(key)
        lines.append(
            f"| {key[2]:,} | {key[3]} | {key[1]} | {pair(b, a, 'p50_ms')} | {pair(b, a, 'p95_ms')}"
            f" | {pair(b, a, 'rps', '{:.0f}')} | {pair(b, a, 'ratio', '{:.2f}×')} | "
            f"{pair(b, a, 'statements', '{}')} |"
        )
    lines += [
        "",
        "## Page sizes",
        "",
        *wrap(
            "HTML as rendered, the cards it draws (tickets it links to), and the bytes received "
            "for one request with `Accept-Encoding: gzip` (headers and body)."
        ),
        "",
        "| tickets | page | HTML KB | cards | KB a card | on the wire KB | encoding |",
        "| ---: | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for key in keys:
        b, a = before.get(key), after.get(key)
        row = a or b
        if key[0] != "reads" or key[3] != 1 or row.get("html_kb") is None:
            continue
        enc = f"{(b or {}).get('encoding', '')} → {(a or {}).get('encoding', '')}"
        lines.append(
            f"| {key[2]:,} | {key[1]} | {pair(b, a, 'html_kb', '{:.0f}')} | "
            f"{pair(b, a, 'cards', '{}')} | {pair(b, a, 'kb_per_card', '{:.2f}')} | "
            f"{pair(b, a, 'wire_kb', '{:.0f}')} | {enc} |"
        )
    lines += [
        "",
        "## Writes",
        "",
        *wrap(
            "Statements and rows written by one request, in-process before the server starts "
            "(median of 3; rows: `n_tup_ins + n_tup_upd + n_tup_del` of pg_stat_user_tables "
            "summed over every table, after `pg_stat_force_next_flush()` and "
            "`pg_stat_clear_snapshot()`). A move takes a ticket from another column to the top "
            "of the target column."
        ),
        "",
        "| case | tickets | statements | rows written | by table (new) |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for key in keys:
        if key[0] != "writes":
            continue
        b, a = before.get(key), after.get(key)
        tables = ", ".join(f"{t} {n}" for t, n in sorted((a or b)["tables"].items()))
        lines.append(
            f"| {key[1]} | {key[2]:,} | {pair(b, a, 'statements', '{}')} | "
            f"{pair(b, a, 'rows_written', '{:,}')} | {tables} |"
        )
    lines += [
        "",
        *wrap(
            "Latency of writes, 1 client: creates, moves of a random ticket to the top of a "
            "random column, and the sweep of moves into the top of target columns of 100, 1,000 "
            "and 5,000 tickets (each from another column); the 20-client case does every kind of "
            "write at once on the 1,000-ticket board and must have 0 errors."
        ),
        "",
        "| tickets | clients | case | p50 ms | p95 ms | req/s | errors |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for key in keys:
        if key[0] not in ("writes-latency", "sweep", "mixed"):
            continue
        b, a = before.get(key), after.get(key)
        lines.append(
            f"| {key[2]:,} | {key[3]} | {key[1]} | {pair(b, a, 'p50_ms')} | "
            f"{pair(b, a, 'p95_ms')} | {pair(b, a, 'rps', '{:.0f}')} | "
            f"{pair(b, a, 'errors', '{}')} |"
        )
    sweep = [after.get(k) or before.get(k) for k in keys if k[0] == "sweep"]
    if len(sweep) > 1 and all(after.get(k) for k in keys if k[0] == "sweep"):
        spread = max(r["p50_ms"] for r in sweep) / min(r["p50_ms"] for r in sweep) - 1
        lines += ["", f"Move p50 spread over the sweep (new): {spread:+.0%} (target ±25 %)."]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=str(BENCH / "results-before.json"))
    parser.add_argument("--after", default=str(BENCH / "results.json"))
    parser.add_argument("--out", default=str(BENCH / "results.md"))
    args = parser.parse_args()
    text = render(*load(args.before), *load(args.after))
    out = Path(args.out)
    previous = out.read_text() if out.exists() else ""
    own = "".join(re.findall(r"\n<!-- begin:.*?<!-- end:[^>]*-->\n", previous, re.S))
    out.write_text(text + own)
    print(text)


if __name__ == "__main__":
    main()
