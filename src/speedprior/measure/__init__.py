"""Measure layer: cost profiles over inputs, partitions, statistics and growth fits (pure NumPy)."""

from speedprior.measure.growth import GROWTH_CLASSES, GrowthFit, fit_growth
from speedprior.measure.inputs import all_words, sample_words, sorted_words, words_to_strings
from speedprior.measure.profile import CostProfile
from speedprior.measure.statistics import (
    Max,
    Mean,
    Median,
    Min,
    Quantile,
    Statistic,
    Std,
    get_statistic,
)

__all__ = [
    "CostProfile",
    "GROWTH_CLASSES",
    "GrowthFit",
    "Max",
    "Mean",
    "Median",
    "Min",
    "Quantile",
    "Statistic",
    "Std",
    "all_words",
    "fit_growth",
    "get_statistic",
    "sample_words",
    "sorted_words",
    "words_to_strings",
]
