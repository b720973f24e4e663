"""Loading a script of ``eval/`` (not a package) as a module, for the tests of its figures."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

EVAL = Path(__file__).resolve().parents[1] / "eval"


def load_eval(name: str) -> ModuleType:
    """``eval/<name>.py`` as module ``saksfinn_eval_<name>`` (registered in ``sys.modules``, as
    dataclasses look their module up while a class is built); ``eval/`` goes on ``sys.path`` so
    the script's own imports of its neighbours work."""
    if str(EVAL) not in sys.path:
        sys.path.insert(0, str(EVAL))
    module_name = f"saksfinn_eval_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, EVAL / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
