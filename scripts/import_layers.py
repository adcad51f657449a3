"""The layers contract of `make lint` (pyproject.toml, [tool.importlinter]), made exhaustive for
a project whose apps are top-level packages: import-linter's own `exhaustive` needs a container
package, and a module missing from the contract would go unchecked. So, besides the layers, every
Django app of the project (a package beside manage.py with an apps.py, and csboard.core) must be
placed in a layer and be one of the root packages import-linter reads, and every module of those
packages must fall inside a layer (a new `csboard/*.py` too), the `csboard` package itself aside
(its `__init__` only starts the Celery app)."""

from pathlib import Path

from importlinter.application import output
from importlinter.contracts.layers import LayersContract
from importlinter.domain.contract import ContractCheck

ROOT = Path(__file__).resolve().parent.parent


def project_apps() -> set[str]:
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    apps |= {"csboard.core"} if (ROOT / "csboard" / "core" / "apps.py").exists() else set()
    return apps


class AppLayersContract(LayersContract):
    type_name = "app_layers"

    def check(self, graph, verbose: bool) -> ContractCheck:
        placed = {tail.name for layer in self.layers for tail in layer.module_tails}
        unplaced = {app for app in project_apps() if app not in placed or app not in graph.modules}
        roots = {module.split(".")[0] for module in placed}
        unplaced |= {
            module
            for module in graph.modules
            if module.split(".")[0] in roots
            and module not in roots
            and not any(module == p or module.startswith(p + ".") for p in placed)
        }
        unplaced = sorted(unplaced)
        check = super().check(graph, verbose)
        check.metadata["unplaced_apps"] = unplaced
        check.kept = check.kept and not unplaced
        return check

    def render_broken_contract(self, check: ContractCheck) -> None:
        if check.metadata["unplaced_apps"]:
            output.print("These apps or modules are not placed in a layer (or not a root package):")
            output.new_line()
            for app in check.metadata["unplaced_apps"]:
                output.print_error(f"- {app}", bold=False)
            output.new_line()
        super().render_broken_contract(check)
