"""The 'predict the previous' format, candidate enumeration, the token-only ceiling and activation matching."""

import pytest
import torch
from torch import nn

from speedprior.interp.retrodiction import (
    best_candidates,
    candidate_prefixes,
    consistent_counts,
    greedy_retrodict,
    match_rates,
    retrodiction_batch,
    split,
)
from speedprior.lm import GPT, GPTConfig, transduction_suite
from speedprior.lm.languages import SEP


def test_retrodiction_batch_is_chunk_prev_reversed_prefix():
    suite = transduction_suite(("copy",), n_digits=4, length=3)
    prev = suite.vocab.add("<prev>")
    tokens, mask = retrodiction_batch(list(suite.tasks.values()), 5, torch.Generator().manual_seed(0), prev, 4)
    assert tokens.shape == (5, 4 + 1 + 4) and mask[:, -4:].all() and not mask[:, :-4].any()
    chunk, reversed_prefix = tokens[:, :4], tokens[:, 5:]
    assert (tokens[:, 4] == prev).all() and (chunk[:, 0] == SEP).all()
    prefix = reversed_prefix.flip(1)
    assert (prefix[:, 0] == suite.tasks["copy"].tag).all()
    assert torch.equal(prefix[:, 1:], chunk[:, 1:])  # copy: the chunk repeats x


def test_candidates_and_the_token_only_ceiling():
    digits = torch.tensor([10, 11])
    candidates = candidate_prefixes([5, 6], digits, 2)
    assert candidates.shape == (8, 3)
    assert candidates[:4, 0].eq(5).all() and candidates[4:, 0].eq(6).all()
    assert len({tuple(r) for r in candidates.tolist()}) == 8
    # tag 5 copies, tag 6 reverses: a palindrome has two consistent prefixes, other chunks two as well
    chunks_of = torch.cat([candidates[:4, 1:], candidates[4:, 1:].flip(1)])
    counts = consistent_counts(candidates, chunks_of, torch.tensor([[10, 10], [10, 11]]))
    assert counts.tolist() == [2, 2]
    assert split(torch.arange(10).reshape(2, 5), 2)[1].shape == (2, 3)


def test_match_rates():
    truth = torch.tensor([[1, 2, 3], [4, 5, 6]])
    assert match_rates(torch.tensor([[1, 2, 3], [4, 0, 6]]), truth) == pytest.approx((0.5, 5 / 6))


class Countdown(nn.Module):
    """Predicts token (sequence length) at every step: greedy decoding emits 3, 4, 5 after a chunk of two."""

    def forward(self, seq):
        return nn.functional.one_hot(torch.full(seq.shape, seq.shape[1]), 10).float()


def test_greedy_retrodict_returns_the_prefix_in_reading_order():
    out = greedy_retrodict(Countdown(), torch.zeros(2, 2, dtype=torch.long), prev=9, prefix_len=3)
    assert out.tolist() == [[5, 4, 3], [5, 4, 3]]


def test_activation_matching_finds_the_source_among_candidates():
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=12, block_size=8, n_layer=2, n_head=2, n_embd=16)).eval()
    candidates = candidate_prefixes([2, 3], torch.tensor([4, 5, 6]), 2)
    sources = candidates[[1, 7, 12]]
    chunks = torch.tensor([[1, 4, 5], [1, 6, 6], [1, 5, 4]])
    likely, nearest = best_candidates(model, candidates, chunks, sources)
    assert nearest.tolist() == [1, 7, 12]  # only the source itself gives the source's activations
    assert likely.shape == (3,) and bool(((likely >= 0) & (likely < len(candidates))).all())
