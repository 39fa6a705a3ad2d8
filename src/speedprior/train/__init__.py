"""Training under speed priors: PonderNet, ACT, early exits, growth and rollout curricula, their data and loops.

A regular package (not a namespace one) so that setuptools ships it and import-linter sees it.
"""
