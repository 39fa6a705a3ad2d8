"""Maze generation, shortest paths and drawing on hand-checked mazes."""

import numpy as np
import pytest

from speedprior.testbeds.envs.grids import ascii_frame, distances, move, random_maze, rgb_frame


def parse(text: str) -> np.ndarray:
    return np.array([[ch == "#" for ch in line] for line in text.strip().splitlines()])


KNOWN = """
#######
#.....#
#####.#
#.....#
#.#####
#.....#
#######
"""


def test_shortest_paths_on_a_known_maze():
    walls = parse(KNOWN)
    dist = distances(walls, (1, 1))
    assert dist[1, 5] == 4  # along the top corridor
    assert dist[3, 1] == 10  # top corridor, down, back along the middle
    assert dist[5, 5] == 16  # the serpentine end to end
    assert dist[0, 0] == -1  # walls are unreachable


def test_shortest_path_takes_the_shorter_of_two_routes():
    walls = parse("""
#######
#.....#
#.###.#
#.....#
#######
""")
    assert distances(walls, (1, 1))[1, 5] == 4
    assert distances(walls, (1, 1))[3, 5] == 6


@pytest.mark.parametrize("rows,cols", [(1, 1), (2, 3), (4, 4), (6, 5)])
def test_random_maze_is_a_perfect_maze(rows, cols):
    walls = random_maze(np.random.default_rng(rows * 10 + cols), rows, cols)
    assert walls.shape == (2 * rows + 1, 2 * cols + 1)
    assert walls[0].all() and walls[-1].all() and walls[:, 0].all() and walls[:, -1].all()
    open_tiles = int((~walls).sum())
    # a spanning tree of rows*cols cells has rows*cols - 1 passages, each one open tile
    assert open_tiles == rows * cols + rows * cols - 1
    assert (distances(walls, (1, 1))[~walls] >= 0).all()  # every open tile reachable


def test_random_maze_depends_only_on_the_generator():
    a = random_maze(np.random.default_rng(5), 4, 4)
    b = random_maze(np.random.default_rng(5), 4, 4)
    c = random_maze(np.random.default_rng(6), 4, 4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_move_stops_at_walls_and_ignores_non_moves():
    walls = np.stack([parse(KNOWN)] * 3)
    pos = np.array([[1, 1], [1, 1], [1, 5]])
    new = move(walls, pos, np.array([0, 1, 2]))  # up into a wall, right, down
    assert new.tolist() == [[1, 1], [1, 2], [2, 5]]
    assert move(walls, pos, np.array([4, 4, 4])).tolist() == pos.tolist()


def test_drawing():
    tiles = np.array([["#", "A"], [".", "G"]])
    assert ascii_frame(tiles) == "#A\n.G"
    image = rgb_frame(tiles, pixels=2)
    assert image.shape == (4, 4, 3) and image.dtype == np.uint8
    assert (image[0, 0] == (40, 40, 40)).all()
