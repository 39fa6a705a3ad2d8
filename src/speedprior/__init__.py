"""speedprior: a laboratory for speed priors.

Measure the computation programs spend (Turing machines, Boolean circuits, neural networks),
search and train under priors that favour less of it, and test on testbeds with ground truth
whether those priors select honest programs over misbehaving ones.
"""

__version__ = "0.1.0"
