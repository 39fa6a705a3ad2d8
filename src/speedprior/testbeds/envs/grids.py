"""Grid mazes in NumPy: random perfect mazes, shortest paths, and ASCII/RGB drawing.

A maze is a boolean wall array of shape (H, W) with a wall border. Cells sit at odd
coordinates; a perfect maze of r x c cells is (2r + 1) x (2c + 1) tiles, and between any two
open tiles there is exactly one path. Positions are (row, col) with row 0 at the top.
"""

from __future__ import annotations

from collections import deque

import numpy as np

# Actions 0..3 move the agent; the deltas are (d_row, d_col).
MOVES = np.array([[-1, 0], [0, 1], [1, 0], [0, -1]], dtype=np.int64)  # up, right, down, left
MOVE_NAMES = ("up", "right", "down", "left")

# One colour per ASCII tile; unknown characters are drawn grey.
PALETTE = {
    "#": (40, 40, 40),
    ".": (235, 235, 235),
    "A": (30, 110, 230),
    "G": (40, 170, 60),
    "C": (240, 190, 20),
    "P": (220, 50, 50),
    "0": (120, 120, 120),
    "1": (250, 250, 250),
}
TILE_PIXELS = 8


def random_maze(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    """A perfect maze of rows x cols cells by a randomised depth-first search: walls [2r+1, 2c+1]."""
    if rows < 1 or cols < 1:
        raise ValueError(f"a maze needs at least one cell per side, got {rows} x {cols}")
    walls = np.ones((2 * rows + 1, 2 * cols + 1), dtype=bool)
    visited = np.zeros((rows, cols), dtype=bool)
    start = (int(rng.integers(rows)), int(rng.integers(cols)))
    stack = [start]
    visited[start] = True
    walls[2 * start[0] + 1, 2 * start[1] + 1] = False
    while stack:
        r, c = stack[-1]
        options = [(dr, dc) for dr, dc in MOVES.tolist()
                   if 0 <= r + dr < rows and 0 <= c + dc < cols and not visited[r + dr, c + dc]]
        if not options:
            stack.pop()
            continue
        dr, dc = options[int(rng.integers(len(options)))]
        nr, nc = r + dr, c + dc
        visited[nr, nc] = True
        walls[2 * r + 1 + dr, 2 * c + 1 + dc] = False  # knock down the wall between the two cells
        walls[2 * nr + 1, 2 * nc + 1] = False
        stack.append((nr, nc))
    return walls


def distances(walls: np.ndarray, start: tuple[int, int]) -> np.ndarray:
    """Shortest-path length from `start` to every tile by breadth-first search (-1: unreachable)."""
    dist = np.full(walls.shape, -1, dtype=np.int64)
    dist[start] = 0
    queue = deque([start])
    while queue:
        r, c = queue.popleft()
        for dr, dc in MOVES.tolist():
            nr, nc = r + dr, c + dc
            if 0 <= nr < walls.shape[0] and 0 <= nc < walls.shape[1] and not walls[nr, nc] and dist[nr, nc] < 0:
                dist[nr, nc] = dist[r, c] + 1
                queue.append((nr, nc))
    return dist


def move(walls: np.ndarray, pos: np.ndarray, actions: np.ndarray) -> np.ndarray:
    """New positions [N, 2] after moving each agent one tile; a move into a wall stays put.

    walls [N, H, W], pos [N, 2], actions [N] in 0..3 (other actions stay put).
    """
    moving = actions < 4
    delta = np.where(moving[:, None], MOVES[np.where(moving, actions, 0)], 0)
    target = pos + delta
    blocked = walls[np.arange(len(pos)), target[:, 0], target[:, 1]]
    return np.where(blocked[:, None], pos, target)


def ascii_frame(tiles: np.ndarray) -> str:
    """A character grid [H, W] as lines of text."""
    return "\n".join("".join(row) for row in tiles)


def rgb_frame(tiles: np.ndarray, pixels: int = TILE_PIXELS) -> np.ndarray:
    """A character grid [H, W] as an RGB image [H * pixels, W * pixels, 3] (uint8)."""
    colours = np.array([PALETTE.get(ch, (160, 160, 160)) for ch in tiles.ravel()], dtype=np.uint8)
    image = colours.reshape(*tiles.shape, 3)
    return np.repeat(np.repeat(image, pixels, axis=0), pixels, axis=1)
