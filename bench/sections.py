"""The sections that benchmarks other than bench/run.py write into bench/results.md."""

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.md"


def write_section(lines: list[str], section: str) -> None:
    """Write `lines` as `section` of bench/results.md, between its markers (bench/compare.py and
    the other benchmarks keep what is not theirs)."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    block = f"<!-- begin:{section} -->\n" + "\n".join(lines) + f"\n<!-- end:{section} -->\n"
    pattern = re.compile(rf"<!-- begin:{section} -->.*?<!-- end:{section} -->\n", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else f"{text}\n{block}"
    RESULTS.write_text(text)
