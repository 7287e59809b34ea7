"""The package's structure holds: data flows one way, so no two modules import each other (directly
or round a longer circle, function-level imports included), no module takes another's private
name, and the command line holds no pipeline logic."""

import ast
from pathlib import Path

import cchc_audit

PACKAGE = Path(cchc_audit.__file__).parent


def _modules(package: Path = PACKAGE) -> dict[str, Path]:
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path):
    """(imported module, names taken from it) for every import anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = tuple(a.name for a in node.names)
            submodules = [n for n in names if f"{target}.{n}" in MODULES]
            for n in submodules:  # `from . import archive` imports the module archive, not the package
                yield f"{target}.{n}", ()
            if len(submodules) < len(names):
                yield target, tuple(n for n in names if n not in submodules)


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        edges = set()
        for target, _ in _imports(name, path):
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                edges.add(target)
        graph[name] = edges - {name}
    return graph


def _cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_between_modules():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_another_modules_private_name():
    offences = []
    for name, path in MODULES.items():
        for target, names in _imports(name, path):
            if target.startswith("cchc_audit") and target != name:
                offences += [f"{name} takes {target}.{n}" for n in names if n.startswith("_") and n != "__version__"]
    assert offences == []


def test_the_command_line_holds_no_pipeline_logic():
    source = (PACKAGE / "cli.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    # What a run does lives in pipeline.py; the CLI only calls it.
    assert not functions & {"run_unit", "prepare", "snapshot", "execute_and_archive", "check_read"}
    for forbidden in ("execute_notebook", "export_html", "new_run", "add_input", "all_problems"):
        assert forbidden not in source, forbidden
