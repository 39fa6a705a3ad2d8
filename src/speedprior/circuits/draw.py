"""Draw a circuit as a PNG with matplotlib: inputs at the bottom, one row per depth level."""

from __future__ import annotations

from pathlib import Path

from speedprior.circuits.circuit import Circuit
from speedprior.errors import BudgetError

MAX_DRAWN_GATES = 400


def layout(circuit: Circuit) -> dict[int, tuple[float, float]]:
    """(x, y) of every used node: y is its depth, x spreads the nodes of one level evenly."""
    depths = circuit.node_depths
    levels: dict[int, list[int]] = {}
    for node in range(1, circuit.n_nodes):
        levels.setdefault(depths[node], []).append(node)
    if any(lit < 2 for g in circuit.gates for lit in g.fanins) or any(o < 2 for o in circuit.outputs):
        levels.setdefault(0, []).insert(0, 0)  # the constant node, used by a 0-input circuit too
    positions = {}
    widest = max((len(nodes) for nodes in levels.values()), default=1)
    for level, nodes in levels.items():
        for k, node in enumerate(nodes):
            positions[node] = ((k + 0.5) * widest / len(nodes), float(level))
    return positions


def draw_circuit(circuit: Circuit, path: str | Path, title: str | None = None) -> Path:
    """Save a layered drawing of the circuit to `path` (PNG). Dashed edges are complemented."""
    from speedprior import plotting

    if circuit.size > MAX_DRAWN_GATES:
        raise BudgetError(f"{circuit.size} gates is too many to draw (limit {MAX_DRAWN_GATES}); "
                          "export DOT with 'speedprior circuit convert --to dot' instead")
    pos = layout(circuit)
    width = max(4.0, 1.1 * max((x for x, _ in pos.values()), default=1) + 1)
    height = max(3.0, 1.2 * (circuit.depth + 2))
    fig, ax = plotting.subplots(figsize=(width, height))
    names = ["0", *circuit.input_names] + [g.name for g in circuit.gates]
    top = circuit.depth + 1
    for index, gate in enumerate(circuit.gates):
        x1, y1 = pos[circuit.gate_node(index)]
        for lit in gate.fanins:
            x0, y0 = pos[lit >> 1]
            ax.plot([x0, x1], [y0, y1], "k--" if lit & 1 else "k-", lw=1, zorder=1)
    for k, lit in enumerate(circuit.outputs):
        x0, y0 = pos[lit >> 1]
        ax.plot([x0, x0], [y0, top], "k--" if lit & 1 else "k-", lw=1, zorder=1)
        ax.annotate(circuit.output_names[k], (x0, top), ha="center", va="bottom", fontsize=9)
    for node, (x, y) in pos.items():
        is_gate = node > circuit.n_inputs
        ax.scatter([x], [y], s=700, zorder=2, marker="o" if is_gate else "s",
                   color="#cfe3ff" if is_gate else "#e8e8e8", edgecolors="k")
        ax.annotate(names[node], (x, y), ha="center", va="center", fontsize=7, zorder=3)
    ax.set_ylim(-0.7, top + 0.8)
    ax.set_yticks(range(top))
    ax.set_ylabel("depth")
    ax.set_xticks([])
    ax.set_title(title or f"{circuit.basis}: size {circuit.size}, depth {circuit.depth}")
    path = Path(path)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    return path
