"""Prompt retrodiction on transductions: recover the prefix `[tag] x` from the chunk `SEP f(x)` after it.

Background/004's "predict the previous" format: a retrodictor is a GPT trained on
`chunk <prev> reversed(prefix)` and decodes the prefix greedily. Two references score every candidate
prefix (the space is small enough to enumerate): the forward model's likelihood of the chunk given the
candidate (with uniform tags and digits, the most likely prefix under the forward model), and the
distance between the forward model's activations on the chunk after the candidate and after the
source prefix (the activation-matching objective: it sees what the chunk's representation holds).
"""

from __future__ import annotations

import itertools

import torch

from speedprior.lm.languages import Transduction
from speedprior.lm.model import GPT
from speedprior.lm.train import target_scores


def split(tokens: torch.Tensor, prefix_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(prefix, chunk) of whole sequences (B, T)."""
    return tokens[:, :prefix_len], tokens[:, prefix_len:]


def retrodiction_batch(tasks: list[Transduction], n: int, generator: torch.Generator, prev: int,
                       prefix_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Training sequences `chunk <prev> reversed(prefix)` (n, T) and the mask of the prefix tokens."""
    which = torch.randint(0, len(tasks), (n,), generator=generator)
    rows = [tasks[int(w)].batch(1, generator)[0] for w in which]
    prefix, chunk = split(torch.cat(rows), prefix_len)
    tokens = torch.cat([chunk, torch.full((n, 1), prev), prefix.flip(1)], dim=1)
    mask = torch.zeros_like(tokens, dtype=torch.bool)
    mask[:, -prefix_len:] = True
    return tokens, mask


@torch.no_grad()
def greedy_retrodict(model: GPT, chunk: torch.Tensor, prev: int, prefix_len: int) -> torch.Tensor:
    """The retrodictor's greedy prefix (B, prefix_len), in reading order, for chunks (B, C)."""
    seq = torch.cat([chunk, torch.full((len(chunk), 1), prev)], dim=1)
    for _ in range(prefix_len):
        seq = torch.cat([seq, model(seq)[:, -1].argmax(-1, keepdim=True)], dim=1)
    return seq[:, -prefix_len:].flip(1)


def candidate_prefixes(tags: list[int], digits: torch.Tensor, length: int) -> torch.Tensor:
    """Every prefix `[tag] x` (N, 1 + length): each tag with each digit string."""
    strings = torch.tensor(list(itertools.product(range(len(digits)), repeat=length)))
    rows = [torch.cat([torch.full((len(strings), 1), tag), digits[strings]], dim=1) for tag in tags]
    return torch.cat(rows)


@torch.no_grad()
def best_candidates(forward: GPT, candidates: torch.Tensor, chunks: torch.Tensor, sources: torch.Tensor,
                    batch: int = 4096) -> tuple[torch.Tensor, torch.Tensor]:
    """For each chunk (B, C): the index of the candidate prefix with the highest forward log-likelihood of the
    chunk, and of the one whose final residual stream over the chunk is nearest (MSE) to the source's."""
    P = candidates.shape[1]
    likely, nearest = [], []
    for chunk, source in zip(chunks, sources, strict=True):
        target = _chunk_activations(forward, torch.cat([source, chunk])[None], P)
        logp, dist = [], []
        for start in range(0, len(candidates), batch):
            cand = candidates[start:start + batch]
            seqs = torch.cat([cand, chunk.expand(len(cand), -1)], dim=1)
            mask = torch.zeros_like(seqs, dtype=torch.bool)
            mask[:, P:] = True
            logits, acts = _forward_with_activations(forward, seqs)
            logp.append(target_scores(logits, seqs, mask)[0])
            dist.append(((acts[:, P:] - target) ** 2).mean((1, 2)))
        likely.append(int(torch.cat(logp).argmax()))
        nearest.append(int(torch.cat(dist).argmin()))
    return torch.tensor(likely), torch.tensor(nearest)


def _forward_with_activations(model: GPT, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(logits, residual stream after the last block) for token ids (B, T)."""
    x = model.wte(tokens) + model.wpe(torch.arange(tokens.shape[1]))
    for block in model.blocks:
        x = block(x)
    return model.lm_head(model.ln_f(x)), x


def _chunk_activations(model: GPT, tokens: torch.Tensor, prefix_len: int) -> torch.Tensor:
    return _forward_with_activations(model, tokens)[1][:, prefix_len:]


def match_rates(predicted: torch.Tensor, truth: torch.Tensor) -> tuple[float, float]:
    """(exact-match rate of whole prefixes, token accuracy) of predicted prefixes (B, P) against the truth."""
    same = predicted == truth
    return float(same.all(1).float().mean()), float(same.float().mean())


def consistent_counts(candidates: torch.Tensor, candidate_chunks: torch.Tensor, chunks: torch.Tensor) -> torch.Tensor:
    """How many candidate prefixes produce each chunk (B,): 1 / count is the best exact-match rate any method
    that sees only the chunk's tokens can reach, with uniform tags and digits."""
    return torch.stack([(candidate_chunks == chunk).all(1).sum() for chunk in chunks])
