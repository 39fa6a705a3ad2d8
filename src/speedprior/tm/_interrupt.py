"""Ctrl-C for compiled kernels: run a kernel in a worker thread and cancel it through a flag.

A numba kernel holds the main thread, so Python's SIGINT handler would only run after the
kernel returns (for bb5, seconds; for a long budget, never). `call` instead runs a nogil
kernel in a worker thread while the main thread waits in short, interruptible joins; on
KeyboardInterrupt it sets the kernel's cancel flag, which every kernel reads between slices of
a few million steps, waits for it to return (milliseconds) and re-raises the interrupt. A
kernel that cannot take long (at most `SMALL_WORK` steps) is called directly, without a thread.

A Ctrl-C can also land inside a library's C callback (numba loading a kernel calls back into
Python through ctypes), where Python reports the KeyboardInterrupt as "ignored" and goes on.
The command line catches such a report and sets `requested` (speedprior.cli), which `call`
reads before and while a kernel runs, so that interrupt still stops the run.
"""

from __future__ import annotations

import threading

import numpy as np

SMALL_WORK = 1 << 22  # steps below which starting a thread costs more than it saves
requested = threading.Event()  # a Ctrl-C that a library swallowed (set by speedprior.cli)


def call(kernel, *args, work: int):
    """kernel(*args, cancel) whose Ctrl-C raises KeyboardInterrupt within one slice of steps.

    `work` bounds the steps the call may take (budget times inputs); `cancel` is appended.
    """
    if requested.is_set():
        raise KeyboardInterrupt
    cancel = np.zeros(1, dtype=np.uint8)
    if work <= SMALL_WORK or threading.current_thread() is not threading.main_thread():
        return kernel(*args, cancel)  # signals only reach the main thread: nothing to relay
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = kernel(*args, cancel)
        except BaseException as error:  # handed to the caller below
            outcome["error"] = error

    worker = threading.Thread(target=target, name="speedprior-kernel", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.05)
            if requested.is_set():
                raise KeyboardInterrupt
    except KeyboardInterrupt:
        cancel[0] = 1
        worker.join()
        raise
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
