"""The fee rules now live in the leaf `catalogo.fees` (ARCHITECTURE §3, §8), shared with
`central/`; these names stay importable from here."""

from catalogo.fees import (
    MAX_FORMULA_LENGTH,
    MAX_TOTAL,
    TOTAL_TOO_LARGE,
    UMA_NAME,
    CobroLine,
    FormulaError,
    compute_cobros,
    compute_line,
    formula_names,
    numeric_answer,
    parse_formula,
    total,
)

__all__ = [
    "MAX_FORMULA_LENGTH", "MAX_TOTAL", "TOTAL_TOO_LARGE", "UMA_NAME", "CobroLine",
    "FormulaError", "compute_cobros", "compute_line", "formula_names", "numeric_answer",
    "parse_formula", "total",
]
