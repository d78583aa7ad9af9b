"""Agreement between reviewers: Krippendorff's alpha, nominal (pure)."""

from __future__ import annotations

import math

import krippendorff

from annotations.models import Label

LABEL_CODES = {label: code for code, label in enumerate(Label.values, start=1)}


def alpha_nominal(matrix: dict[int, dict[int, str]]) -> float | None:
    """Krippendorff's alpha, nominal, over reviewers × appearances.

    `matrix`: reviewer id → appearance (span) id → label. None where alpha is undefined:
    fewer than two pairable values, or every value the same label."""
    reviewers = sorted(matrix)
    appearances = sorted({span for row in matrix.values() for span in row})
    rows = [
        [LABEL_CODES[matrix[r][a]] if a in matrix[r] else math.nan for a in appearances]
        for r in reviewers
    ]
    try:
        value = krippendorff.alpha(reliability_data=rows, level_of_measurement="nominal")
    except ValueError:  # one label only: agreement is undefined, not perfect
        return None
    return None if value is None or math.isnan(value) else float(value)
