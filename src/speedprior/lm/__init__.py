"""Small causal language models trained inside the project: a nanoGPT-style GPT with a `myopic` switch
(`model`), synthetic languages and tasks (`languages`), and a tiny trainer with teacher-forced scoring
(`train`). Pure torch; the evaluation tools in `speedprior.evals` build on it."""

from speedprior.lm.languages import Task, Vocab, decay_setup, mixture_batch, transduction_suite
from speedprior.lm.model import GPT, GPTConfig
from speedprior.lm.train import TrainConfig, evaluate, target_scores, train, train_on_tasks

__all__ = ["GPT", "GPTConfig", "Task", "TrainConfig", "Vocab", "decay_setup", "evaluate", "mixture_batch",
           "target_scores", "train", "train_on_tasks", "transduction_suite"]
