"""`make lint`'s layers contract (pyproject.toml, scripts/import_layers.py) holds today and fails
on what it exists to refuse: an upward import, a sibling import, an unplaced app or module."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def tree(tmp_path):
    """A copy of the project's Python packages and contract, to break at will."""
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns(".venv", "node_modules", "var", "tests", "static", "*.pyc")
    shutil.copytree(ROOT, copy, ignore=ignore, symlinks=True)
    return copy


def test_the_project_keeps_its_layers():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("path", "line", "refusal"),
    [
        (
            "boards/selectors.py",
            "from tickets import models",
            "boards is not allowed to import tickets",
        ),
        ("csboard/core/pages.py", "from boards import models", "csboard.core is not allowed"),
        ("workspace/services.py", "from reminders import rules", "workspace is not allowed"),
        ("csboard/broker.py", "from web import views", "csboard.broker is not allowed"),
        ("tickets/services.py", "def f():\n    from feedback import services", "tickets is not"),
    ],
    ids=["upward", "core upward", "siblings", "broker upward", "inside a function"],
)
def test_an_import_against_the_layers_fails_lint(tree, path, line, refusal):
    with (tree / path).open("a") as module:
        module.write(f"\n\n{line}  # noqa\n")

    result = _lint(tree)

    assert result.returncode != 0
    assert refusal in result.stdout


@pytest.mark.parametrize("new", ["billing/apps.py", "csboard/extra.py"], ids=["app", "module"])
def test_an_app_or_module_outside_every_layer_fails_lint(tree, new):
    (tree / new).parent.mkdir(exist_ok=True)
    (tree / new.split("/")[0] / "__init__.py").touch()
    (tree / new).write_text("")
    if new.startswith("billing"):
        pyproject = tree / "pyproject.toml"
        pyproject.write_text(
            pyproject.read_text().replace('    "web",\n]', '    "web",\n    "billing",\n]', 1)
        )

    result = _lint(tree)

    assert result.returncode != 0
    assert "not placed in a layer" in result.stdout
