"""The project's GPT as a Hugging Face causal LM, so `peft` and `transformers` tooling apply to it."""

from __future__ import annotations

from transformers import GenerationMixin, PretrainedConfig, PreTrainedModel
from transformers.modeling_outputs import CausalLMOutput

from speedprior.lm.model import GPT, GPTConfig


class SmallGPTConfig(PretrainedConfig):
    """`GPTConfig`'s fields as a transformers config."""

    model_type = "speedprior-gpt"

    def __init__(self, vocab_size=64, block_size=64, n_layer=2, n_head=2, n_embd=64, myopic=False, **kwargs):
        self.vocab_size, self.block_size, self.n_layer, self.n_head, self.n_embd = (
            vocab_size, block_size, n_layer, n_head, n_embd)
        self.myopic = myopic
        self.hidden_size, self.num_hidden_layers, self.num_attention_heads = n_embd, n_layer, n_head
        super().__init__(**kwargs)


class SmallGPTForCausalLM(PreTrainedModel, GenerationMixin):  # the mixin only because peft expects it
    """A thin wrapper: `forward(input_ids | inputs_embeds)` -> `CausalLMOutput(logits=...)`."""

    config_class = SmallGPTConfig
    base_model_prefix = "gpt"

    def __init__(self, config: SmallGPTConfig, gpt: GPT | None = None):
        super().__init__(config)
        self.gpt = gpt if gpt is not None else GPT(GPTConfig(config.vocab_size, config.block_size, config.n_layer,
                                                             config.n_head, config.n_embd, myopic=config.myopic))

    @classmethod
    def wrap(cls, gpt: GPT) -> SmallGPTForCausalLM:
        """Wrap a trained GPT (shares its weights)."""
        c = gpt.config
        return cls(SmallGPTConfig(c.vocab_size, c.block_size, c.n_layer, c.n_head, c.n_embd, c.myopic), gpt)

    def _init_weights(self, module):  # GPT initialises itself; never re-initialise a trained model
        pass

    def get_input_embeddings(self):
        return self.gpt.wte

    def forward(self, input_ids=None, inputs_embeds=None, attention_mask=None, labels=None, **kwargs):
        # attention_mask is ignored: sequences here are never padded on the left of a target
        return CausalLMOutput(logits=self.gpt(input_ids, inputs_embeds))
