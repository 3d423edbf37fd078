"""Catalog search at scale: import 500 and 20,000 JF-style descriptors, then time the searches of
``catalog list`` / ``GET /api/v1/cando`` on each. Search is a ``LIKE`` over folded text (no
index can serve ``%term%``), so its cost grows with the catalog; the figures say by how much.

The descriptors are the JF sample list (``examples/jf-cando-sample.csv``: both languages, the 16
topics, A1–B2) repeated as a JF-format CSV with fresh ``No`` and a variant number in each text,
read by the JF importer and written through the store, as ``catalog import`` does (the import is
timed too). The small and the large database are open at once and searched alternately, so load
on the machine hits both alike. Each search is :meth:`Store.search_descriptors` (the call behind
the CLI and the route: one page of 50 and the total count), p50 and p95 of ``calls`` runs:

* ``ja_level``: ``--query 買い物 --level A2`` (the issue's example; a Japanese term);
* ``en_words``: ``--query "shop price"`` (two English words, every word must match);
* ``topic_level``: ``--topic 買い物 --level A2`` (equality filters, no text scan);
* ``miss``: a word no descriptor has (the whole catalog scanned, nothing returned).
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.workloads.common import BenchContext, Figures, open_runtime, percentile, show
from lessonplan.catalog import read_catalog
from lessonplan.catalog.search import CatalogQuery
from lessonplan.service.runtime import Runtime

NAME = "catalog_search"
SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "jf-cando-sample.csv"
PAGE = 50
QUERIES: dict[str, dict[str, str]] = {
    "ja_level": {"query": "買い物", "level": "A2"},
    "en_words": {"query": "shop price"},
    "topic_level": {"topic": "買い物", "level": "A2"},
    "miss": {"query": "zyzzyva"},
}


@dataclass(frozen=True)
class Params:
    small: int
    large: int
    calls: int


FULL = Params(small=500, large=20_000, calls=40)
QUICK = Params(small=500, large=20_000, calls=8)


def _sample_rows() -> tuple[list[str], list[list[str]]]:
    """The sample's header and its well-formed 9-column JF rows (the irregular ones left out)."""
    reader = csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8-sig")))
    header = next(reader)
    report = read_catalog(SAMPLE.read_text(encoding="utf-8-sig"), fmt="jf")
    good = {d.uid.split(":", 1)[1] for d in report.descriptors if d.uid.startswith("JF:")}
    rows = [r for r in reader if len(r) == len(header) and r[0] in good and r[1] == "JF"]
    return header, rows


def jf_csv(count: int) -> str:
    """A JF-format CSV of ``count`` rows: the sample's rows cycled, each with its own ``No``
    and a variant number in both texts (so no two rows are the same text)."""
    header, rows = _sample_rows()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for i in range(count):
        row = list(rows[i % len(rows)])
        row[0] = str(100_000 + i)
        row[7] = f"{row[7]}（例{i + 1}）" if row[7] else row[7]
        row[8] = f"{row[8]} (variant {i + 1})" if row[8] else row[8]
        writer.writerow(row)
    return out.getvalue()


async def import_catalog(rt: Runtime, count: int) -> tuple[float, float]:
    """Parse a JF CSV of ``count`` rows and write it: (parse seconds, write seconds)."""
    text = jf_csv(count)
    started = time.perf_counter()
    report = read_catalog(text, fmt="jf")
    parsed = time.perf_counter()
    assert len(report.descriptors) == count and not report.problems, report.problems[:3]
    await rt.store.upsert_descriptors(descriptors=report.descriptors)
    return parsed - started, time.perf_counter() - parsed


async def run_backend(ctx: BenchContext, backend: str, p: Params) -> Figures:
    async with ctx.database(backend) as small_url, ctx.database(backend) as large_url:
        small, _ = await open_runtime(small_url)
        large, _ = await open_runtime(large_url)
        try:
            imports = {
                "small": await import_catalog(small, p.small),
                "large": await import_catalog(large, p.large),
            }
            sizes = {
                "small": await small.store.count_descriptors(),
                "large": await large.store.count_descriptors(),
            }
            times: dict[tuple[str, str], list[float]] = {}
            totals: dict[tuple[str, str], int] = {}
            for _ in range(p.calls):
                for qname, filters in QUERIES.items():
                    query = CatalogQuery.build(**filters, limit=PAGE)
                    for size, rt in (("small", small), ("large", large)):
                        started = time.perf_counter()
                        items, total = await rt.store.search_descriptors(query=query)
                        elapsed = (time.perf_counter() - started) * 1000
                        times.setdefault((qname, size), []).append(elapsed)
                        totals[(qname, size)] = total
                        assert len(items) == min(PAGE, total)
        finally:
            await small.close()
            await large.close()
    figures: Figures = {
        "descriptors_small": sizes["small"],
        "descriptors_large": sizes["large"],
        "import_s_small": round(sum(imports["small"]), 3),
        "import_s_large": round(sum(imports["large"]), 3),
        "import_parse_s_large": round(imports["large"][0], 3),
    }
    for qname in QUERIES:
        for size in ("small", "large"):
            values = times[(qname, size)]
            figures[f"{qname}_ms_p50_{size}"] = round(percentile(values, 50), 3)
            figures[f"{qname}_ms_p95_{size}"] = round(percentile(values, 95), 3)
            figures[f"{qname}_matches_{size}"] = totals[(qname, size)]
        figures[f"{qname}_ratio"] = round(
            figures[f"{qname}_ms_p50_large"] / figures[f"{qname}_ms_p50_small"], 3
        )
    return figures


async def run(ctx: BenchContext) -> Figures:
    p = QUICK if ctx.quick else FULL
    by_backend = {backend: await run_backend(ctx, backend, p) for backend in ctx.backends}
    for backend, f in by_backend.items():
        rows: list[tuple[str, object, str]] = [
            (
                f"import {p.small:,} / {p.large:,} JF rows (s)",
                f"{f['import_s_small']} / {f['import_s_large']}",
                f"parse {f['import_parse_s_large']} s of the large",
            )
        ]
        for qname, filters in QUERIES.items():
            shown = " ".join(f"--{k} {v}" for k, v in filters.items())
            rows.append(
                (
                    f"{qname}: {shown} p50 small / large (ms)",
                    f"{f[f'{qname}_ms_p50_small']} / {f[f'{qname}_ms_p50_large']}",
                    f"{f[f'{qname}_matches_small']} / {f[f'{qname}_matches_large']} matches; "
                    f"p95 large {f[f'{qname}_ms_p95_large']}",
                )
            )
            rows.append((f"{qname}: ratio large / small", f[f"{qname}_ratio"], ""))
        show(
            ctx,
            f"[catalog_search] {backend}: {f['descriptors_small']:,} vs "
            f"{f['descriptors_large']:,} descriptors, page of {PAGE} + total, "
            f"p50 of {p.calls} calls",
            rows,
        )
    primary = ctx.primary_backend
    return {"backend": primary, **by_backend[primary], "by_backend": by_backend}
