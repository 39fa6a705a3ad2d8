"""Config fields elicitation, fragility, capability-decay and myopia share, declared once (experiments.small_gpt)."""

import pytest

from speedprior.errors import ConfigError
from speedprior.experiments import load_config
from speedprior.experiments.registry import load_kind
from speedprior.experiments.small_gpt import SmallGPTConfig, SoftPromptConfig

SHAPES = {"elicitation": (2, 4, 64), "fragility": (2, 4, 64), "capability-decay": (2, 2, 48), "myopia": (2, 2, 48)}


@pytest.mark.parametrize("kind", sorted(SHAPES))
def test_each_kind_keeps_its_own_gpt_defaults(kind):
    assert issubclass(load_kind(kind).Config, SmallGPTConfig)
    config = load_config({"kind": kind})
    assert (config.n_layer, config.n_head, config.n_embd, config.threads) == (*SHAPES[kind], 1)


@pytest.mark.parametrize("kind", sorted(SHAPES))
def test_a_width_not_divisible_by_the_heads_is_refused(kind):
    with pytest.raises(ConfigError, match="n_embd 50 must be a multiple of n_head 4"):
        load_config({"kind": kind, "n_head": 4, "n_embd": 50})
    with pytest.raises(ConfigError, match="n_head"):
        load_config({"kind": kind, "n_head": 9})


@pytest.mark.parametrize("kind", ["elicitation", "fragility"])
def test_soft_prompt_kinds_share_the_function_and_token_checks(kind):
    assert issubclass(load_kind(kind).Config, SoftPromptConfig)
    with pytest.raises(ConfigError, match="behaviour 'rotate' is not one of functions"):
        load_config({"kind": kind, "behaviour": "rotate"})
    with pytest.raises(ConfigError, match="tokens must be increasing"):
        load_config({"kind": kind, "tokens": [4, 1]})


def test_a_loaded_model_ignores_the_small_gpt_fields():
    config = load_config({"kind": "elicitation", "model": "smollm2", "n_head": 8, "n_embd": 60, "behaviour": "rotate"})
    assert config.n_embd == 60 and config.behaviour == "rotate"
