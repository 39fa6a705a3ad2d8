"""Tasks: TOML files, packaged tasks, weights, and one clear error for each kind of bad file."""

import numpy as np
import pytest

from speedprior.errors import ConfigError, SpeedpriorError
from speedprior.search.task import Task, language_examples, load_task

GOOD = """
name = "t"
symbols = "01"
states = 2
budget = 50
examples = [{ input = "1", output = "11", weight = 3.0 }, ["11", "111"]]
"""


def write(tmp_path, text, name="task.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_examples_file_loads_with_weights(tmp_path):
    task = load_task(write(tmp_path, GOOD))
    assert task.pairs() == [("1", "11"), ("11", "111")] and not task.is_language
    assert task.weights.tolist() == [0.75, 0.25] and task.stops == ("halt",)
    assert (task.states, task.budget, task.input_symbols) == (2, 50, "1")


def test_language_tables_label_every_word():
    examples = language_examples("(11)*", "1", (0, 4))
    assert [(e.input, e.expected) for e in examples] == [("", True), ("1", False), ("11", True), ("111", False),
                                                         ("1111", True)]
    by_length = language_examples("0*1", "01", (1, 2), weights="length")
    assert [e.weight for e in by_length] == [0.5, 0.5, 0.25, 0.25, 0.25, 0.25]


@pytest.mark.parametrize("name, accepted", [("unary-even", 5), ("unary-mod3", 3)])
def test_packaged_language_tasks(name, accepted):
    task = load_task(name)
    assert task.is_language and task.stops == ("accept", "reject")
    assert sum(e.expected for e in task.examples) == accepted
    assert np.isclose(task.weights.sum(), 1.0)


def test_packaged_function_tasks():
    assert load_task("unary-successor").pairs()[1] == ("1", "11")
    assert {e.expected for e in load_task("unary-one").examples} == {"1"}


def test_from_examples_picks_a_blank_the_examples_do_not_use():
    assert Task.from_examples([("01", True)]).symbols == "_01"
    assert Task.from_examples([("11", "1")]).symbols == "01"


BAD = {
    "invalid TOML": "name = ",
    "unknown key": GOOD + "\ncolour = 1\n",
    "no examples": 'name = "t"\n',
    "both sources": GOOD + '\n[language]\nregex = "1*"\n',
    "bad regex": '[language]\nregex = "(("\n',
    "bad lengths": '[language]\nregex = "1*"\nlengths = [3, 1]\n',
    "bad weights": '[language]\nregex = "1*"\nweights = "zipf"\n',
    "example without answer": 'examples = [{ input = "1" }]\n',
    "accept and output": 'examples = [{ input = "1", accept = true, output = "1" }]\n',
    "accept not bool": 'examples = [{ input = "1", accept = "yes" }]\n',
    "mixed kinds": 'examples = [["1", true], ["11", "1"]]\n',
    "symbol outside": 'examples = [["2", true]]\n',
    "blank in output": 'examples = [["1", "101"]]\n',
    "negative weight": 'examples = [{ input = "1", accept = true, weight = -1 }]\n',
    "states out of range": 'states = 9\nexamples = [["1", true]]\n',
    "budget not int": 'budget = "many"\nexamples = [["1", true]]\n',
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_task_files_raise_config_errors(tmp_path, case):
    with pytest.raises(ConfigError) as error:
        load_task(write(tmp_path, BAD[case]))
    assert isinstance(error.value, SpeedpriorError) and "\n" not in str(error.value)


def test_missing_task_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_task(tmp_path / "none.toml")
