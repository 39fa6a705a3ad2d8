/* A plain C depth-first walk of the TNF-1RB tree on the blank tape: the reference for bench_enumerate.py.
 *
 * Usage: enumerate_reference STATES SYMBOLS BUDGET REPEATS. Walks the tree of
 * src/speedprior/search/_kernels.py's subtree_blank (bbchallenge's TNF-1RB): the root is
 * A0 = 1RB (for 2 or more states); at the first undefined transition a run reaches, the
 * children are the halt first, then, unless it is the last undefined transition (only the
 * halt there), every (write, move, target) with write slowest (symbols in use plus the next),
 * move L before R, and target fastest (states in use plus the next). One tape snapshot per
 * tree level: a child copies its parent's visited cells and resumes from the parent's
 * configuration. No deciders: a leaf halted or ran out of budget (undecided).
 * Prints "machines halted max_steps max_ones undecided seconds", seconds the fastest of
 * REPEATS walks in CPU time (CLOCK_PROCESS_CPUTIME_ID: time other processes take is not counted).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define UNDEFINED (-4)
#define BUDGET_OUT (-1)
#define STOPPED (-2)
#define MAX_DEPTH 65

static int n, m;
static int64_t budget, width;
static int32_t next_state[64];
static uint8_t write_sym[64];
static int8_t move_dir[64];

/* One level of the search: the configuration where the partial machine reached `trans`. */
struct level {
    int64_t head, steps, ones, lo, hi, dirty_lo, dirty_hi;
    int state, trans, child, nchild, used, written;
};

static struct level lv[MAX_DEPTH];
static uint8_t *tapes[MAX_DEPTH];

/* Run from the configuration in *c on `tape` until an undefined transition (returned), a stop or the budget. */
static int simulate(uint8_t *tape, struct level *c) {
    int64_t head = c->head, steps = c->steps, ones = c->ones, lo = c->lo, hi = c->hi;
    int state = c->state, t = BUDGET_OUT;
    while (steps < budget) {
        uint8_t read = tape[head];
        int i = state * m + read;
        int nxt = next_state[i];
        if (nxt == UNDEFINED) {
            t = i;
            break;
        }
        uint8_t w = write_sym[i];
        ones += (w != 0) - (read != 0);
        tape[head] = w;
        head += move_dir[i];
        steps++;
        if (head < lo) lo = head;
        if (head > hi) hi = head;
        if (nxt < 0) {
            t = STOPPED;
            break;
        }
        state = nxt;
    }
    c->head = head, c->steps = steps, c->ones = ones, c->lo = lo, c->hi = hi, c->state = state;
    return t;
}

static int min_int(int a, int b) { return a < b ? a : b; }
static int max_int(int a, int b) { return a > b ? a : b; }

static int children(int undefined_left, int written, int used) {
    return undefined_left == 1 ? 1 : 1 + 2 * min_int(written + 1, m) * min_int(used + 1, n);
}

/* The whole walk; out = machines, halted, max_steps, max_ones, undecided. */
static void walk(int64_t out[5]) {
    int64_t machines = 0, halted = 0, max_steps = -1, max_ones = -1, undecided = 0;
    int size = n * m;
    for (int i = 0; i < size; i++) next_state[i] = UNDEFINED, write_sym[i] = 0, move_dir[i] = 0;
    int used0 = 1, written0 = 1, undefined0 = size;
    if (n >= 2) {
        next_state[0] = 1, write_sym[0] = 1, move_dir[0] = 1;
        used0 = 2, written0 = 2, undefined0 = size - 1;
    }
    for (int d = 0; d <= size; d++) {
        memset(tapes[d], 0, (size_t)width);
        lv[d].dirty_lo = width, lv[d].dirty_hi = -1;
    }
    int64_t c = budget + 1;
    struct level root = {c, 0, 0, c, c, width, -1, 0, 0, 0, 0, 0, 0};
    int t = simulate(tapes[0], &root);
    if (t < 0) { /* the root is itself a leaf */
        machines = 1;
        if (t == STOPPED) halted = 1, max_steps = root.steps, max_ones = root.ones;
        else undecided = 1;
        out[0] = machines, out[1] = halted, out[2] = max_steps, out[3] = max_ones, out[4] = undecided;
        return;
    }
    lv[0] = root;
    lv[0].trans = t, lv[0].child = 0, lv[0].used = used0, lv[0].written = written0;
    lv[0].nchild = children(undefined0, written0, used0);
    int d = 0;
    while (d >= 0) {
        struct level *p = &lv[d];
        if (p->child == p->nchild) {
            next_state[p->trans] = UNDEFINED;
            d--;
            continue;
        }
        int k = p->child++;
        int ti = p->trans;
        if (k == 0) { /* the halting child: one more step, writing 1 */
            machines++, halted++;
            int64_t steps = p->steps + 1, ones = p->ones + (tapes[d][p->head] == 0);
            if (steps > max_steps) max_steps = steps;
            if (ones > max_ones) max_ones = ones;
            continue;
        }
        k--;
        int targets = min_int(p->used + 1, n);
        int target = k % targets;
        k /= targets;
        next_state[ti] = target;
        move_dir[ti] = k % 2 == 0 ? -1 : 1;
        write_sym[ti] = (uint8_t)(k / 2);
        int e = d + 1;
        struct level *q = &lv[e];
        uint8_t *tape = tapes[e];
        /* Wipe what the previous sibling left on this level's tape, then copy the parent's cells. */
        if (q->dirty_hi >= q->dirty_lo) memset(tape + q->dirty_lo, 0, (size_t)(q->dirty_hi - q->dirty_lo + 1));
        memcpy(tape + p->lo, tapes[d] + p->lo, (size_t)(p->hi - p->lo + 1));
        q->head = p->head, q->steps = p->steps, q->ones = p->ones, q->lo = p->lo, q->hi = p->hi;
        q->state = p->state;
        t = simulate(tape, q);
        q->dirty_lo = q->lo, q->dirty_hi = q->hi;
        if (t < 0) { /* a leaf: no halting transition is defined, so it ran out of budget */
            machines++, undecided++;
            continue;
        }
        q->trans = t, q->child = 0;
        q->used = max_int(p->used, target + 1);
        q->written = max_int(p->written, k / 2 + 1);
        q->nchild = children(undefined0 - e, q->written, q->used);
        d = e;
    }
    out[0] = machines, out[1] = halted, out[2] = max_steps, out[3] = max_ones, out[4] = undecided;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: enumerate_reference STATES SYMBOLS BUDGET REPEATS\n");
        return 2;
    }
    n = atoi(argv[1]), m = atoi(argv[2]), budget = atoll(argv[3]);
    int repeats = atoi(argv[4]);
    if (n < 1 || m < 2 || n * m > 64 || n > 127 || m > 255 || budget < 0 || repeats < 1) return 2;
    width = 2 * budget + 3;
    for (int d = 0; d <= n * m; d++) tapes[d] = malloc((size_t)width);
    int64_t out[5];
    double best = 1e300;
    for (int r = 0; r < repeats; r++) {
        double start = now();
        walk(out);
        double seconds = now() - start;
        if (seconds < best) best = seconds;
    }
    printf("%lld %lld %lld %lld %lld %.6f\n", (long long)out[0], (long long)out[1], (long long)out[2],
           (long long)out[3], (long long)out[4], best);
    return 0;
}
