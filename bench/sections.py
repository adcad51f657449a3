"""bench/results.md's sections that a benchmark other than bench/run.py writes, each between
its own markers (bench/compare.py keeps them when it writes the rest)."""

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.md"


def write_section(section: str, lines: list[str]) -> None:
    """Write `lines` between the markers of `section`, leaving the rest of the file as it was."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    block = f"<!-- begin:{section} -->\n" + "\n".join(lines) + f"\n<!-- end:{section} -->\n"
    pattern = re.compile(rf"<!-- begin:{section} -->.*?<!-- end:{section} -->\n", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else f"{text}\n{block}"
    RESULTS.write_text(text)
