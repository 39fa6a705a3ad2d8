"""`check_experiment`: the contract every experiment kind meets, checked like scikit-learn's check_estimator.

    from speedprior.testing.experiments import check_experiment
    check_experiment({"kind": "growth", "widths": [2], ...}, tmp_path)

Given a (tiny) config for one kind, it checks that the kind

1. rejects an unknown key, and every name the config holds set to a name that does not exist
   (a field typed with a Literal, a prior, a machine, a task), with a ConfigError naming the bad
   value (and, for a Literal, every valid one) and before any run directory is created;
2. runs end to end and writes a complete run directory: config.json (the resolved config),
   metrics.jsonl, report.md, report.html, every plot report.md links to, and summary.json, and no FAILED;
3. is deterministic: the same config and seed give an identical summary.json, timing fields
   (`seconds`, `*_seconds`, `run_dir`) excepted.

A failed check raises AssertionError saying which check and what was found.
"""

from __future__ import annotations

import json
import re
import types
import typing
from pathlib import Path
from typing import Annotated, Literal, get_args, get_origin

from pydantic import AfterValidator, BaseModel

from speedprior.errors import SpeedpriorError
from speedprior.experiments import ExperimentConfig, load_config, load_kind, run_config
from speedprior.experiments.base import NAME_VALIDATORS

BAD_NAME = "no-such-name"
TIMING_KEYS = {"seconds", "run_dir"}  # and every key ending in "_seconds"
_IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


def check_experiment(config: ExperimentConfig | dict, tmp_dir: str | Path) -> dict:
    """Run every check on `config` (runs it twice, in `tmp_dir`); return the summary of the first run."""
    raw = config.model_dump(mode="json") if isinstance(config, ExperimentConfig) else dict(config)
    tmp = Path(tmp_dir)
    resolved = load_config(raw)  # the config itself must be valid
    check_rejects_unknown_keys(raw, tmp)
    check_rejects_bad_names(raw, tmp)
    first = check_run_directory(raw, tmp / "run-a")
    assert json.loads((tmp / "run-a" / "config.json").read_text()) == resolved.model_dump(mode="json"), \
        "config.json is not the resolved config"
    second = check_run_directory(raw, tmp / "run-b")
    a, b = _without_timing(first), _without_timing(second)
    assert a == b, f"{raw['kind']}: same config and seed, different summary.json: {_first_difference(a, b)}"
    return first


def check_rejects_unknown_keys(raw: dict, tmp: Path) -> None:
    """An unknown key, at the top and in every nested table, fails validation before a run starts."""
    mutations = [(("no_such_key",), 1)]
    for key, value in raw.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            mutations.append(((key, 0, "no_such_key"), 1))
    for path, value in mutations:
        _expect_rejected(_with(raw, path, value), tmp, "no_such_key", f"unknown key {'.'.join(map(str, path))}")


def check_rejects_bad_names(raw: dict, tmp: Path) -> None:
    """Every name field set to a name that does not exist fails validation, naming it."""
    model = load_kind(raw["kind"]).Config
    mutations = list(name_mutations(model, raw))
    for path, value, allowed in mutations:
        message = _expect_rejected(_with(raw, path, value), tmp, BAD_NAME, f"bad name in {'.'.join(map(str, path))}")
        missing = [name for name in allowed if repr(name) not in message and name not in message]
        assert not missing, f"{'.'.join(map(str, path))}: the error does not list the valid names {missing}: {message}"
    bad_kind = {**raw, "kind": BAD_NAME}
    _expect_rejected(bad_kind, tmp, BAD_NAME, "unknown kind")


def check_run_directory(raw: dict, out: Path) -> dict:
    """Run `raw` into `out`; check the run directory is complete; return summary.json's content."""
    summary = run_config(raw, out, quiet=True)
    for name in ("config.json", "metrics.jsonl", "report.md", "report.html", "summary.json"):
        assert (out / name).is_file(), f"{raw['kind']}: run directory lacks {name}"
    assert not (out / "FAILED").exists(), f"{raw['kind']}: a finished run left FAILED"
    for line in (out / "metrics.jsonl").read_text().splitlines():
        assert isinstance(json.loads(line), dict), f"{raw['kind']}: metrics.jsonl line is not a JSON object: {line}"
    report = (out / "report.md").read_text()
    for target in _IMAGE_LINK.findall(report):
        assert (out / target).is_file(), f"{raw['kind']}: report.md names {target}, which is not in the run directory"
    written = json.loads((out / "summary.json").read_text())
    assert written["run_dir"] == str(out) and written.keys() == summary.keys(), \
        f"{raw['kind']}: summary.json differs from the returned summary"
    assert not list(out.glob(".*.partial")), f"{raw['kind']}: a temporary file was left in the run directory"
    return written


def name_mutations(model: type[BaseModel], raw: dict, prefix: tuple = ()):
    """(path, bad value, valid names) for every field of `model` that holds registry names."""
    for field_name, info in model.model_fields.items():
        if field_name == "kind":
            continue
        annotation = info.annotation
        if info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        shape = _name_shape(annotation)
        if shape is not None:
            in_list, allowed = shape
            yield (*prefix, field_name), [BAD_NAME] if in_list else BAD_NAME, allowed
        nested = _nested_model(annotation)
        value = raw.get(field_name)
        if nested is not None and isinstance(value, list) and value and isinstance(value[0], dict):
            yield from name_mutations(nested, value[0], (*prefix, field_name, 0))


def _name_shape(annotation) -> tuple[bool, tuple[str, ...]] | None:
    """(held in a list, the valid names of a Literal) if `annotation` is a name type, else None."""
    origin = get_origin(annotation)
    if origin is Literal:
        values = get_args(annotation)
        return (False, values) if all(isinstance(v, str) for v in values) else None
    if origin is Annotated:
        inner, *metadata = get_args(annotation)
        if any(isinstance(m, AfterValidator) and m.func in NAME_VALIDATORS for m in metadata):
            return False, ()
        return _name_shape(inner)
    if origin in (list, tuple):
        args = [a for a in get_args(annotation) if a is not Ellipsis]
        inner = _name_shape(args[0]) if args else None
        return (True, inner[1]) if inner else None
    if origin in (typing.Union, types.UnionType):
        for arg in get_args(annotation):
            if arg is not type(None) and (shape := _name_shape(arg)) is not None:
                return shape
    return None


def _nested_model(annotation) -> type[BaseModel] | None:
    for arg in get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        if (found := _nested_model(arg)) is not None:
            return found
    return None


def _with(raw: dict, path: tuple, value) -> dict:
    """A deep copy of `raw` with `value` at `path` (keys and list indices)."""
    copy = json.loads(json.dumps(raw))
    node = copy
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return copy


def _expect_rejected(raw: dict, tmp: Path, needle: str, what: str) -> str:
    out = tmp / "rejected"
    try:
        run_config(raw, out, quiet=True)
    except SpeedpriorError as error:
        message = str(error)
    else:
        raise AssertionError(f"{raw.get('kind')}: {what} was accepted and the experiment ran")
    assert not out.exists(), f"{raw.get('kind')}: {what} was rejected only after the run directory was created"
    assert "\n" not in message, f"{what}: the error is not one line: {message!r}"
    assert needle in message, f"{what}: the error does not name {needle!r}: {message}"
    return message


def _without_timing(value):
    if isinstance(value, dict):
        return {k: _without_timing(v) for k, v in value.items()
                if k not in TIMING_KEYS and not k.endswith("_seconds")}
    if isinstance(value, list):
        return [_without_timing(v) for v in value]
    return value


def _first_difference(a, b, where: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{where}.{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{where}[{index}]")
    return f"{where or 'summary'}: {a!r} != {b!r}"
