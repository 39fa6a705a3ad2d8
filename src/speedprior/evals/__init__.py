"""Evaluation tools for trained models: soft-prompt elicitation curves with a control and a
norm-bounded variant (`elicitation`, on peft prompt tuning), fragility under prompt perturbations
(`fragility`), refusal protections (`protection`), capability-decay metrics (`decay`) and the myopia gap
(`myopia`). The default model is a small GPT trained here (`default_model`); `hf` wraps it as a
transformers model and `smollm2` loads SmolLM2-135M-Instruct offline. Modules that need transformers or
peft import them where used, so `decay` and `myopia` work with torch alone."""
