"""Document types known to the extractor, keyed by DocType.

Every module of this package that defines ``RULES: DocRules`` is a document type; they are found
by scanning the package, so a new type is one new module and nothing else changes.
"""

from __future__ import annotations

import importlib
import pkgutil

from pipeline.extract.spec import DocRules
from schemas.fields import DocType

_RULES: dict[DocType, DocRules] = {}
_loaded = False


def register(rules: DocRules) -> DocRules:
    """Add (or replace) a type's rules; also usable from outside the package, e.g. in tests."""
    _RULES[rules.doc_type] = rules
    return rules


def _load() -> None:
    global _loaded
    if _loaded:
        return
    package = importlib.import_module("pipeline.extract")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        rules = getattr(module, "RULES", None)
        if isinstance(rules, DocRules) and rules.doc_type not in _RULES:
            register(rules)
    _loaded = True


def rules_for(doc_type: DocType) -> DocRules | None:
    _load()
    return _RULES.get(doc_type)


def all_rules() -> list[DocRules]:
    _load()
    return list(_RULES.values())
