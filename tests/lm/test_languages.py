"""Synthetic languages: exact sequences, shapes, seeds, and the composition of the decay setups."""

import pytest
import torch

from speedprior.lm.languages import (
    PAD,
    SEP,
    ArithmeticLanguage,
    Translation,
    Vocab,
    apply_transduction,
    decay_setup,
    derangement,
    mixture_batch,
    transduction_suite,
)


def test_transductions_hand_worked():
    x = torch.tensor([[3, 0, 2, 7, 1]])
    assert apply_transduction("copy", x, 8).tolist() == [[3, 0, 2, 7, 1]]
    assert apply_transduction("reverse", x, 8).tolist() == [[1, 7, 2, 0, 3]]
    assert apply_transduction("sort", x, 8).tolist() == [[0, 1, 2, 3, 7]]
    assert apply_transduction("shift", x, 8).tolist() == [[4, 1, 3, 0, 2]]
    assert apply_transduction("swap_pairs", x, 8).tolist() == [[0, 3, 7, 2, 1]]
    assert apply_transduction("rotate", x, 8).tolist() == [[0, 2, 7, 1, 3]]
    with pytest.raises(ValueError, match="unknown transduction"):
        apply_transduction("nope", x, 8)


def test_suite_sequences_are_tag_digits_sep_answer():
    suite = transduction_suite(("reverse",), n_digits=5, length=3)
    task = suite.tasks["reverse"]
    tokens, mask = task.batch(4, torch.Generator().manual_seed(0))
    assert tokens.shape == (4, 1 + 3 + 1 + 3) and mask[:, 5:].all() and not mask[:, :5].any()
    tag = suite.vocab.names.index("<reverse>")
    assert (tokens[:, 0] == tag).all() and (tokens[:, 4] == SEP).all()
    assert torch.equal(tokens[:, 5:], tokens[:, 1:4].flip(1))
    untagged = task.untagged()
    assert untagged.prompt_len == 4 and untagged.sample(2, torch.Generator())[0].shape == (2, 4)


def test_control_relabels_outputs_with_a_derangement():
    gen = torch.Generator().manual_seed(1)
    perm = derangement(8, gen)
    assert sorted(perm.tolist()) == list(range(8)) and not (perm == torch.arange(8)).any()
    suite = transduction_suite(("copy",), n_digits=8, length=4)
    control = suite.tasks["copy"].untagged(output_map=perm, name="control")
    prompt, target = control.sample(16, gen)
    digit = {int(d): i for i, d in enumerate(suite.digits)}
    for p, t in zip(prompt, target, strict=True):
        assert [digit[int(v)] for v in t] == [int(perm[digit[int(u)]]) for u in p[:-1]]


def test_same_seed_same_batch():
    task = transduction_suite().tasks["sort"]
    a = task.batch(5, torch.Generator().manual_seed(7))[0]
    assert torch.equal(a, task.batch(5, torch.Generator().manual_seed(7))[0])


def test_arithmetic_sentence_forms():
    v = Vocab()
    digits = v.block("d", 9)
    add = torch.arange(5)[:, None] + torch.arange(5)
    a, b = torch.tensor([2, 4]), torch.tensor([1, 3])
    for form, order in (("infix", "a+b"), ("prefix", "+ab"), ("postfix", "ab+")):
        lang = ArithmeticLanguage("L", digits, v.add(f"+{form}"), v.add(f"={form}"), form, add)
        words = {"a": digits[a], "b": digits[b], "+": torch.full((2,), lang.plus)}
        expected = torch.stack([words[c] for c in order] + [torch.full((2,), lang.equals), digits[a + b]], 1)
        assert torch.equal(lang.render(a, b), expected)


@pytest.mark.parametrize("setup", ["A", "B", "C", "D"])
def test_decay_setups(setup):
    s = decay_setup(setup, n_languages=4, modulus=5, seed=0)
    n_translations = 4 * 3 if setup in "CD" else 0
    assert len(s.kept) + len(s.dropped) + len(s.held_out) == 4 + n_translations
    assert s.dropped[0].name == "L3"
    assert all("L3" in t.name for t in s.dropped) and not any("L3" in t.name for t in s.kept + s.held_out)
    assert [t.name for t in s.held_out] == (["L0->L1"] if setup == "D" else [])
    tables = [t.table for t in s.kept + s.dropped if isinstance(t, ArithmeticLanguage)]
    add = torch.arange(5)[:, None] + torch.arange(5)
    assert all(torch.equal(t, add) for t in tables) == (setup != "A")
    assert all(len(t.digits) == 9 for t in s.kept + s.dropped if isinstance(t, ArithmeticLanguage))
    if setup != "A":
        assert s.chance == pytest.approx(5 / 25)  # the most frequent sum, 4, occurs 5 times
    translation = next((t for t in s.kept if isinstance(t, Translation)), None)
    if translation is not None:  # the target sentence states the same sum as the source
        prompt, target = translation.sample(8, torch.Generator().manual_seed(0))
        assert prompt.shape == (8, 6) and target.shape == (8, 5)
    with pytest.raises(ValueError, match="unknown setup"):
        decay_setup("E")


def test_mixture_pads_and_masks():
    s = decay_setup("C", n_languages=3, modulus=5)
    tokens, mask = mixture_batch(s.kept, 64, torch.Generator().manual_seed(0))
    assert tokens.shape == (64, 11)
    short = tokens[:, 5] == PAD
    assert short.any() and (~short).any()
    assert (mask.sum(1)[short] == 1).all() and (mask.sum(1)[~short] == 5).all()
    with pytest.raises(ValueError):
        mixture_batch([], 4, torch.Generator())


def test_preamble_cut_to_random_lengths_and_target_kept():
    suite = transduction_suite(("copy",), n_digits=5, length=3, preamble=4)
    task = suite.tasks["copy"]
    tokens, mask = task.batch(200, torch.Generator().manual_seed(0))
    assert tokens.shape == (200, 4 + 1 + 3 + 1 + 3) and (mask.sum(1) == 3).all()
    tag = suite.vocab.names.index("<copy>")
    starts = (tokens == tag).float().argmax(1)
    assert set(starts.tolist()) == {0, 1, 2, 3, 4}  # every preamble length occurs
    for row, s in zip(tokens, starts.tolist(), strict=True):
        assert all(int(v) in suite.filler.tolist() for v in row[:s])
        assert torch.equal(row[s + 5: s + 8], row[s + 1: s + 4])  # copy
        assert (row[s + 8:] == PAD).all()
