"""No import cycle inside ``pipeline/``: every module can be the first one a process imports.

An import inside a function that hides a cycle would pass here only if the function is never
called; so the test also looks for imports of ``pipeline`` modules inside functions.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_PROBE = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "pipeline" or m.startswith("pipeline.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except ImportError as error:
        failed.append(f"{name}: {error}")
print("\\n".join(failed))
"""


def _modules() -> list[str]:
    return sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in (ROOT / "pipeline").rglob("*.py")
        if "tools" not in path.parts or path.name != "__main__.py"
    )


def test_every_pipeline_module_imports_first_without_a_cycle() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *_modules()],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    assert done.stdout.strip() == ""


def test_no_pipeline_import_is_hidden_inside_a_function() -> None:
    hidden = []
    for path in (ROOT / "pipeline").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith(
                        "pipeline"
                    ):
                        hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert hidden == []
