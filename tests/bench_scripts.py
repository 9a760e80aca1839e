"""``load("name")``: a script of ``bench/`` as a module, for the tests of its checks (``bench/`` is run as
scripts, not imported as a package)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_main(module, argv: list[str]) -> tuple[int, str]:
    """A loaded script's ``main(argv)``: its exit status and what it printed."""
    import io
    from contextlib import redirect_stdout

    out = io.StringIO()
    with redirect_stdout(out):
        status = module.main(argv)
    return status, out.getvalue()
