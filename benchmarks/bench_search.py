"""Search grader speed against a plain C loop over the same tables and words, on this CPU.

Compiles benchmarks/grade_reference.c with the system compiler (`cc -O2`; skipped with a
message where there is none) and grades, with the compiled graders of search/_kernels.py
(through `grade_chunk` and `verdict_chunk`) and with the C loop, two workloads:
- decider: the first MACHINES leaves of the 3-state TNF space of `unary-mod3` (streamed by
  `tnf_tables`) on the words 1^0 .. 1^LONGEST (accept when the length is a multiple of 3),
  budget BUDGET steps per word;
- function: the first MACHINES leaves of the 3-state TNF space of `unary-successor` on the
  same words (output: one more 1), budget BUDGET.
`grade` runs every machine on every word; `verdict` runs each machine's words in order until
one fails, within a per-machine step cap (seeded, 1 .. BUDGET * words). Both sides must give
the same steps, stops, verdicts and costs. Times are CPU time on one thread (time.process_time;
the C loop the same), the fastest of REPEATS with the slowest beside it, then the kernel's
wall time on every thread. Prints the CPU model and the ratio kernel time / C time; target <= 1.5.

    .venv/bin/python benchmarks/bench_search.py
"""

import os
import subprocess
import tempfile
import time

import numba
import numpy as np
from timing import compile_c, cpu_model, spread

from speedprior.search.chunks import concat, grade_chunk, verdict_chunk
from speedprior.search.evaluate import as_examples, encoded_examples
from speedprior.search.spaces import TNFSpace
from speedprior.search.task import load_task

REPEATS = 5
MACHINES = 100_000
LONGEST = 24
BUDGET = 200


def workload(task_name: str, examples: list, limit: int | None):
    """(chunk of the space's first `limit` leaves, examples, caps) for one task's 3-state TNF space."""
    space = TNFSpace.for_task(load_task(task_name), states=3)
    parts, count = [], 0
    for part in space.chunks(4096):
        parts.append(part)
        count += len(part)
        if limit is not None and count >= limit:
            break
    chunk = concat(parts)
    if limit is not None:
        chunk = chunk.take(np.arange(min(limit, len(chunk))))
    caps = np.random.default_rng(0).integers(1, BUDGET * len(examples) + 1, len(chunk)).astype(np.int64)
    return chunk, examples, caps


def write_input(path: str, chunk, examples, caps) -> None:
    """The flat arrays in grade_reference.c's layout."""
    words, offsets, outputs, out_offsets, verdicts = encoded_examples(as_examples(examples), chunk.symbols,
                                                                      chunk.input_symbols)
    count, size = chunk.ns.shape
    with open(path, "wb") as f:
        f.write(f"{count} {size} {len(chunk.symbols)} {BUDGET} {len(verdicts)} {len(outputs)}\n".encode())
        for array, dtype in ((chunk.ns, np.int32), (chunk.wr, np.uint8), (chunk.mv, np.int8),
                             (chunk.undefined, np.int32), (caps, np.int64), (offsets, np.int64), (words, np.uint8),
                             (verdicts, np.int8), (outputs, np.uint8), (out_offsets, np.int64)):
            f.write(np.ascontiguousarray(array, dtype=dtype).astype("<" + np.dtype(dtype).str[1:]).tobytes())


def c_grade(binary: str, folder: str, chunk, examples, caps):
    """((steps, stops, correct, costs, results), grade seconds, verdict seconds) of the C loop."""
    source, target = os.path.join(folder, "in.bin"), os.path.join(folder, "out.bin")
    write_input(source, chunk, examples, caps)
    out = subprocess.run([binary, source, target, str(REPEATS)], capture_output=True, text=True, check=True)
    grade_seconds, verdict_seconds = map(float, out.stdout.split())
    n, w = len(chunk), len(examples)
    raw = open(target, "rb").read()
    steps = np.frombuffer(raw, "<i8", n * w, 0).reshape(n, w)
    stops = np.frombuffer(raw, "<i8", n * w, 8 * n * w).reshape(n, w)
    correct = np.frombuffer(raw, np.uint8, n * w, 16 * n * w).reshape(n, w).astype(bool)
    costs = np.frombuffer(raw, "<i8", n, 17 * n * w)
    results = np.frombuffer(raw, "<i8", n, 17 * n * w + 8 * n)
    return (steps, stops, correct, costs, results), grade_seconds, verdict_seconds


def one_thread(function):
    """`function` timed (CPU) with numba on one thread: (fastest, slowest, result)."""
    previous = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        return spread(REPEATS, function)
    finally:
        numba.set_num_threads(previous)


def compare(name: str, binary: str | None, folder: str, chunk, examples, caps) -> None:
    """Time one workload both ways and print the lines."""
    grade = lambda: grade_chunk(chunk, examples, BUDGET)  # noqa: E731
    verdict = lambda: verdict_chunk(chunk, examples, caps, BUDGET)  # noqa: E731
    grade(), verdict()  # compile or load the cached kernels
    g_best, g_worst, (steps, halted, correct) = one_thread(grade)
    v_best, v_worst, (costs, results) = one_thread(verdict)
    g_wall, _, _ = spread(REPEATS, grade, clock=time.perf_counter)
    v_wall, _, _ = spread(REPEATS, verdict, clock=time.perf_counter)
    print(f"{name}: {len(chunk):,} machines x {len(examples)} words, budget {BUDGET:,}: {int(steps.sum()):,} steps "
          f"graded, {int(correct.all(axis=1).sum()):,} solve every word; verdicts: {int((results == 1).sum()):,} "
          f"solved, {int((results == 0).sum()):,} failed, {int((results < 0).sum()):,} over the cap")
    print(f"  kernel grade, 1 thread:   {g_best:.3f} s CPU (slowest {g_worst:.3f} s); {os.cpu_count()} threads "
          f"{g_wall:.3f} s wall")
    print(f"  kernel verdict, 1 thread: {v_best:.3f} s CPU (slowest {v_worst:.3f} s); {os.cpu_count()} threads "
          f"{v_wall:.3f} s wall")
    if binary is None:
        return
    (c_steps, c_stops, c_correct, c_costs, c_results), c_g, c_v = c_grade(binary, folder, chunk, examples, caps)
    assert np.array_equal(c_steps, steps) and np.array_equal(c_stops < 0, halted)
    assert np.array_equal(c_correct, correct)
    assert np.array_equal(c_costs, costs) and np.array_equal(c_results, results)
    print(f"  C loop (cc -O2), 1 thread: grade {c_g:.3f} s CPU, verdict {c_v:.3f} s CPU; same results")
    for what, ratio in (("grade", g_best / c_g), ("verdict", v_best / c_v)):
        print(f"  ratio kernel / C, {what}: {ratio:.2f} (target <= 1.5: {'met' if ratio <= 1.5 else 'MISSED'})")


def main():
    print(f"CPU: {cpu_model()} ({os.cpu_count()} logical cores); load average {os.getloadavg()[0]:.1f}")
    unary = ["1" * k for k in range(LONGEST + 1)]
    deciders = workload("unary-mod3", [(w, len(w) % 3 == 0) for w in unary], MACHINES)
    functions = workload("unary-successor", [(w, w + "1") for w in unary], MACHINES)
    with tempfile.TemporaryDirectory() as folder:
        binary = compile_c("grade_reference.c", folder)
        if binary is None:
            print("no C compiler (cc, gcc or clang): the C loop and the ratios are skipped")
        compare("decider (unary-mod3, 3 states)", binary, folder, *deciders)
        compare("function (unary-successor, 3 states)", binary, folder, *functions)


if __name__ == "__main__":
    main()
