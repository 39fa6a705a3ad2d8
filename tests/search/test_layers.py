"""Import structure of the pieces this layer owns: `search` reads top to bottom, priors and programs
sit where the layers say (measure < tm | circuits < programs < priors < search < testbeds)."""

import grimp
import pytest


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("speedprior")


def _cycles(graph, prefix: str) -> list[list[str]]:
    """Strongly connected components (of more than one module) among the modules under `prefix`."""
    modules = sorted(m for m in graph.modules if m == prefix or m.startswith(prefix + "."))
    edges = {m: [i for i in graph.find_modules_directly_imported_by(m) if i in modules] for m in modules}
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for m in modules:
        if m not in index:
            visit(m)
    return found


def test_the_search_package_has_no_import_cycle(graph):
    assert _cycles(graph, "speedprior.search") == []


def test_priors_programs_and_search_sit_in_no_cycle(graph):
    owned = ("speedprior.priors", "speedprior.programs", "speedprior.search", "speedprior.testbeds")
    assert [c for c in _cycles(graph, "speedprior") if any(m.startswith(owned) for m in c)] == []
    assert not graph.chain_exists("speedprior.circuits", "speedprior.priors", as_packages=True)


@pytest.mark.parametrize("low, high", [
    ("speedprior.programs", "speedprior.priors"), ("speedprior.programs", "speedprior.search"),
    ("speedprior.priors", "speedprior.search"), ("speedprior.priors", "speedprior.testbeds"),
    ("speedprior.search", "speedprior.testbeds"), ("speedprior.search", "speedprior.experiments"),
    ("speedprior.tm", "speedprior.programs"), ("speedprior.testbeds", "speedprior.experiments"),
])
def test_lower_layers_do_not_import_higher_ones(graph, low, high):
    assert not graph.find_shortest_chain(low, high, as_packages=True), f"{low} imports {high}"
