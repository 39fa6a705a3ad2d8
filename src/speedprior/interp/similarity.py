"""How close two representations of the same inputs are: linear CKA and the R^2 of an affine fit.

Linear CKA (Kornblith et al. 2019) is invariant to orthogonal maps and isotropic scaling, not to
per-unit rescaling; an affine fit Y ~ X A + c is invariant to any invertible affine map of X, so a
function-preserving scramble of a compiled network has R^2 = 1 against the original.
"""

from __future__ import annotations

import numpy as np


def linear_cka(x: np.ndarray, y: np.ndarray) -> float:
    """Linear CKA between activations x (m, p) and y (m, q) of the same m inputs; 0 if either is constant."""
    x = x - x.mean(0)
    y = y - y.mean(0)
    cross = np.linalg.norm(y.T @ x) ** 2
    norm = np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y)
    return float(cross / norm) if norm > 1e-12 else 0.0


def affine_fit_r2(x: np.ndarray, y: np.ndarray, ridge: float = 1e-6) -> float:
    """R^2 (pooled over y's columns) of the least-squares affine map from x (m, p) to y (m, q).

    A tiny ridge keeps the fit defined when x has dependent columns. 1.0 when y is constant.
    """
    design = np.hstack([x, np.ones((len(x), 1))])
    gram = design.T @ design + ridge * np.eye(design.shape[1])
    coef = np.linalg.solve(gram, design.T @ y)
    residual = ((y - design @ coef) ** 2).sum()
    total = ((y - y.mean(0)) ** 2).sum()
    return 1.0 if total < 1e-12 else float(max(0.0, 1.0 - residual / total))
