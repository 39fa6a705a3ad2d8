"""Experiment kinds for the neural speed priors (each module: a pydantic Config and run(config, ctx))."""
