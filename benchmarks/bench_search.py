"""Search speed against plain C loops over the same work, on this CPU: the graders and the TNF stream.

Compiles benchmarks/grade_reference.c and benchmarks/stream_reference.c with the system
compiler (`cc -O2`; skipped with a message where there is none). The graders of
search/_kernels.py (through `grade_chunk` and `verdict_chunk`) and the C loop grade two workloads:
- decider: the first MACHINES leaves of the 3-state TNF space of `unary-mod3` (streamed by
  `tnf_tables`) on the words 1^0 .. 1^LONGEST (accept when the length is a multiple of 3),
  budget BUDGET steps per word;
- function: the first MACHINES leaves of the 3-state TNF space of `unary-successor` on the
  same words (output: one more 1), budget BUDGET.
`grade` runs every machine on every word; `verdict` runs each machine's words in order until
one fails, within a per-machine step cap (seeded, 1 .. BUDGET * words). Both sides must give
the same steps, halts, correct flags, costs and results. Times are CPU time on one thread (time.process_time;
the C loop the same), the fastest of REPEATS with the slowest beside it, then the kernel's
wall time on every thread. The stream (`tnf_tables`, which walks the TNF tree for a set of
inputs, running every word at every node) and the C walk of the same tree stream the leaves of
the 3-state space of `unary-mod3` (inputs 1^0 .. 1^7, 666,730 leaves), and of the 4-state
space pruned to the machines that may still decide those 8 inputs right (as natural-deception
walks it), both serial; their leaves must agree (count and a checksum of every table, in order).
Prints the CPU model and the ratio kernel time / C time; target <= 1.5.

    .venv/bin/python benchmarks/bench_search.py
"""

import os
import subprocess
import tempfile
import time
from pathlib import Path

import numba
import numpy as np
from timing import compile_c, cpu_model, spread

from speedprior.search.chunks import concat, grade_chunk, verdict_chunk
from speedprior.search.encoding import encode_words
from speedprior.search.enumerate import STOP_CODES, tnf_tables
from speedprior.search.evaluate import as_examples, encoded_examples
from speedprior.search.spaces import TNFSpace
from speedprior.search.task import load_task

REPEATS = 5
MACHINES = 100_000
LONGEST = 24
BUDGET = 200
STREAM_REPEATS = 3
STREAM_INPUTS = tuple("1" * k for k in range(8))


def workload(task_name: str, examples: list, limit: int):
    """(chunk of the space's first `limit` leaves, examples, caps) for one task's 3-state TNF space."""
    space = TNFSpace.for_task(load_task(task_name), states=3)
    parts, count = [], 0
    for part in space.chunks(4096):
        parts.append(part)
        count += len(part)
        if count >= limit:
            break
    chunk = concat(parts)
    chunk = chunk.take(np.arange(min(limit, len(chunk))))
    caps = np.random.default_rng(0).integers(1, BUDGET * len(examples) + 1, len(chunk)).astype(np.int64)
    return chunk, as_examples(examples), caps  # normalised once, as the searches do


def write_input(path: str, chunk, examples, caps) -> None:
    """The flat arrays in grade_reference.c's layout."""
    words, offsets, outputs, out_offsets, verdicts = encoded_examples(examples, chunk.symbols,
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
    raw = Path(target).read_bytes()
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
    print(f"  kernel grade, 1 thread:   {g_best:.4f} s CPU (slowest {g_worst:.4f} s); {os.cpu_count()} threads "
          f"{g_wall:.4f} s wall")
    print(f"  kernel verdict, 1 thread: {v_best:.4f} s CPU (slowest {v_worst:.4f} s); {os.cpu_count()} threads "
          f"{v_wall:.4f} s wall")
    if binary is None:
        return
    (c_steps, c_stops, c_correct, c_costs, c_results), c_g, c_v = c_grade(binary, folder, chunk, examples, caps)
    assert np.array_equal(c_steps, steps) and np.array_equal(c_stops < 0, halted)
    assert np.array_equal(c_correct, correct)
    assert np.array_equal(c_costs, costs) and np.array_equal(c_results, results)
    print(f"  C loop (cc -O2), 1 thread: grade {c_g:.4f} s CPU, verdict {c_v:.4f} s CPU; same results")
    for what, ratio in (("grade", g_best / c_g), ("verdict", v_best / c_v)):
        print(f"  ratio kernel / C, {what}: {ratio:.2f} (target <= 1.5: {'met' if ratio <= 1.5 else 'MISSED'})")


def stream(states: int, expected: tuple[bool, ...]):
    """The leaves of the TNF tree of `unary-mod3`'s inputs, as tnf_tables streams them (decider stops)."""
    return tnf_tables(states, "01", 100, STREAM_INPUTS, ("accept", "reject"), "1", "reject", 4096, expected)


def checksum(states: int, expected: tuple[bool, ...]) -> tuple[int, int]:
    """(leaves, checksum) of the stream, as stream_reference.c computes them."""
    total, count = np.uint64(0), 0
    with np.errstate(over="ignore"):
        for block in stream(states, expected):
            size = block.ns.shape[1]
            code = (block.ns.astype(np.uint64) + np.uint64(5)) * np.uint64(1024) + block.wr.astype(np.uint64) * \
                np.uint64(4) + (block.mv + 1).astype(np.uint64)
            rows = code @ np.arange(1, size + 1, dtype=np.uint64)
            total += rows @ np.arange(count + 1, count + len(rows) + 1, dtype=np.uint64)
            count += len(rows)
    return count, int(total)


def c_stream(binary: str, states: int, expected: tuple[bool, ...]) -> tuple[int, int, float]:
    """(leaves, checksum, fastest CPU seconds) of the C walk."""
    words, offsets = encode_words(STREAM_INPUTS, ("0", "1"), ("1",))
    lines = [f"{states} 2 100 2 {len(STREAM_INPUTS)} {len(expected)}"]
    lines += [f"{STOP_CODES[name]} 1 1" for name in ("accept", "reject")]
    for j in range(len(STREAM_INPUTS)):
        cells = words[offsets[j]:offsets[j + 1]].tolist()
        lines.append(" ".join(map(str, [len(cells), *cells])))
    lines.append(" ".join("1" if v else "0" for v in expected))
    out = subprocess.run([binary, str(STREAM_REPEATS)], input="\n".join(lines) + "\n", capture_output=True,
                         text=True, check=True).stdout.split()
    return int(out[0]), int(out[1]), float(out[2])


def compare_stream(name: str, binary: str | None, states: int, expected: tuple[bool, ...]) -> None:
    """Time one stream both ways and print the lines."""
    best, worst, count = spread(STREAM_REPEATS, lambda: sum(len(b.ns) for b in stream(states, expected)))
    print(f"stream, {name}: {count:,} leaves")
    print(f"  kernel (tnf_tables): {best:.3f} s CPU (slowest {worst:.3f} s)")
    if binary is None:
        return
    c_count, c_sum, c_best = c_stream(binary, states, expected)
    assert (c_count, c_sum) == checksum(states, expected), (c_count, c_sum)
    ratio = best / c_best
    print(f"  C walk (cc -O2):     {c_best:.3f} s CPU; same leaves")
    print(f"  ratio kernel / C, stream: {ratio:.2f} (target <= 1.5: {'met' if ratio <= 1.5 else 'MISSED'})")


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
        walker = compile_c("stream_reference.c", folder) if binary is not None else None
        next(iter(stream(2, ())))  # compile or load the cached kernel
        compare_stream("unary-mod3 inputs, 3 states", walker, 3, ())
        compare_stream("unary-mod3 inputs, 4 states, pruned by the 8 verdicts", walker, 4,
                       tuple(len(w) % 3 == 0 for w in STREAM_INPUTS))


if __name__ == "__main__":
    main()
