"""Per-example compute accounting for torch modules: FLOPs measured once, charged per step or exit used."""

from speedprior.nn.accounting import cost_summary, exit_costs, profile, step_costs
from speedprior.nn.flops import FlopMeter, count_flops, training_step_flops

__all__ = ["FlopMeter", "cost_summary", "count_flops", "exit_costs", "profile", "step_costs", "training_step_flops"]
