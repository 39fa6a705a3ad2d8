/* A plain C depth-first walk of the TNF tree for a set of input words: the reference for bench_search.py.
 *
 * Usage: stream_reference REPEATS, reading from stdin "states symbols budget stops words expected",
 * then `stops` lines "code write move" (the stop transitions offered at every branch), then
 * each word as "length cell cell ...", then `expected` verdicts (1 accept, 0 reject) for the
 * first words. Walks the tree of src/speedprior/search/_kernels.py's stream_tables: the root
 * is the empty machine; a partial machine is run on every word in turn from its own tape
 * (a plain run, no deciders) and branches at the first undefined transition any word reaches:
 * the stop children first, then every (write, move, target) with write slowest, move L before R
 * and target fastest over the states in use plus the next. A subtree is dropped when one of
 * the first `expected` words stops with the other verdict, or runs out of budget, without
 * reaching an undefined transition. Each leaf's tables are copied into a block of 4,096 (as
 * the kernel fills its output chunks). Prints "leaves checksum seconds": seconds the fastest
 * of REPEATS walks in CPU time (CLOCK_PROCESS_CPUTIME_ID), checksum (of every leaf's tables,
 * in order, as bench_search.py computes it) from one more, untimed walk.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define UNDEFINED (-4)
#define PRUNED (-2)
#define BLOCK 4096
#define MAX_SIZE 64

static int n, m, h, nwords, nexpected;
static int64_t budget;
static int32_t next_state[MAX_SIZE];
static uint8_t write_sym[MAX_SIZE];
static int8_t move_dir[MAX_SIZE];
static int32_t stop_code[16];
static uint8_t stop_write[16];
static int8_t stop_move[16];
static uint8_t *cells, *tape;
static int64_t *offsets;
static int8_t *expected;
static int32_t out_ns[BLOCK][MAX_SIZE];
static uint8_t out_wr[BLOCK][MAX_SIZE];
static int8_t out_mv[BLOCK][MAX_SIZE];

/* The first undefined transition any word reaches (words in order), -1 for none, or PRUNED. */
static int probe(void) {
    int first = -1;
    for (int j = 0; j < nwords; j++) {
        if (first >= 0 && j >= nexpected) break;
        int64_t a = offsets[j], b = offsets[j + 1];
        int64_t head = budget + 1, lo = head, hi = head + (b > a ? b - a : 1) - 1;
        memcpy(tape + head, cells + a, (size_t)(b - a));
        int state = 0, t = -1;
        for (int64_t steps = 0; steps < budget; steps++) {
            int i = state * m + tape[head];
            int nxt = next_state[i];
            if (nxt == UNDEFINED) {
                t = i;
                break;
            }
            tape[head] = write_sym[i];
            head += move_dir[i];
            if (head < lo) lo = head;
            if (head > hi) hi = head;
            state = nxt;
            if (nxt < 0) break;
        }
        memset(tape + lo, 0, (size_t)(hi - lo + 1));
        if (t >= 0) {
            if (first < 0) first = t;
        } else if (j < nexpected && !(state == (expected[j] ? -2 : -3))) {
            return PRUNED;
        }
    }
    return first;
}

static int64_t leaves, filled;
static uint64_t checksum;

static void leaf(int check) {
    int size = n * m;
    memcpy(out_ns[filled], next_state, (size_t)size * 4);
    memcpy(out_wr[filled], write_sym, (size_t)size);
    memcpy(out_mv[filled], move_dir, (size_t)size);
    if (check) { /* sum over leaves of (leaf number + 1) * sum over entries of (entry + 1) * code */
        uint64_t s = 0;
        for (int t = 0; t < size; t++)
            s += (uint64_t)(t + 1) * (uint64_t)((next_state[t] + 5) * 1024 + write_sym[t] * 4 + (move_dir[t] + 1));
        checksum += (uint64_t)(leaves + 1) * s;
    }
    leaves++;
    filled = (filled + 1) % BLOCK;
}

static void walk(int check) {
    int size = n * m, trans[MAX_SIZE + 1], child[MAX_SIZE + 1], nchild[MAX_SIZE + 1], used[MAX_SIZE + 1];
    for (int i = 0; i < size; i++) next_state[i] = UNDEFINED, write_sym[i] = 0, move_dir[i] = 0;
    leaves = filled = 0;
    checksum = 0;
    int t = probe();
    if (t < 0) {
        if (t != PRUNED) leaf(check);
        return;
    }
    int d = 0;
    trans[0] = t, child[0] = 0, used[0] = 1, nchild[0] = h + 2 * m * (n < 2 ? n : 2);
    while (d >= 0) {
        if (child[d] == nchild[d]) {
            next_state[trans[d]] = UNDEFINED;
            d--;
            continue;
        }
        int k = child[d]++, ti = trans[d], now_used;
        if (k < h) {
            next_state[ti] = stop_code[k], write_sym[ti] = stop_write[k], move_dir[ti] = stop_move[k];
            now_used = used[d];
        } else {
            k -= h;
            int targets = used[d] + 1 < n ? used[d] + 1 : n;
            int target = k % targets;
            k /= targets;
            next_state[ti] = target, write_sym[ti] = (uint8_t)(k / 2), move_dir[ti] = k % 2 == 0 ? -1 : 1;
            now_used = used[d] > target + 1 ? used[d] : target + 1;
        }
        t = probe();
        if (t == PRUNED) continue;
        if (t < 0) {
            leaf(check);
            continue;
        }
        d++;
        trans[d] = t, child[d] = 0, used[d] = now_used;
        nchild[d] = h + 2 * m * (now_used + 1 < n ? now_used + 1 : n);
    }
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: stream_reference REPEATS < walk\n");
        return 2;
    }
    long long b;
    if (scanf("%d %d %lld %d %d %d", &n, &m, &b, &h, &nwords, &nexpected) != 6) return 2;
    budget = b;
    if (n < 1 || m < 2 || n * m > MAX_SIZE || h < 1 || h > 16 || nwords < 1 || nexpected > nwords) return 2;
    for (int k = 0; k < h; k++) {
        int c, w, v;
        if (scanf("%d %d %d", &c, &w, &v) != 3) return 2;
        stop_code[k] = c, stop_write[k] = (uint8_t)w, stop_move[k] = (int8_t)v;
    }
    offsets = malloc(sizeof(int64_t) * (size_t)(nwords + 1));
    cells = malloc(1);
    offsets[0] = 0;
    int64_t longest = 0;
    for (int j = 0; j < nwords; j++) {
        int len;
        if (scanf("%d", &len) != 1) return 2;
        offsets[j + 1] = offsets[j] + len;
        cells = realloc(cells, (size_t)offsets[j + 1] + 1);
        for (int i = 0; i < len; i++) {
            int c;
            if (scanf("%d", &c) != 1) return 2;
            cells[offsets[j] + i] = (uint8_t)c;
        }
        if (len > longest) longest = len;
    }
    expected = malloc((size_t)nexpected + 1);
    for (int j = 0; j < nexpected; j++) {
        int v;
        if (scanf("%d", &v) != 1) return 2;
        expected[j] = (int8_t)v;
    }
    tape = calloc((size_t)(2 * budget + longest + 3), 1);
    int repeats = atoi(argv[1]);
    double best = 1e300;
    for (int r = 0; r < repeats; r++) {
        double start = now();
        walk(0);
        double seconds = now() - start;
        if (seconds < best) best = seconds;
    }
    walk(1);
    printf("%lld %llu %.6f\n", (long long)leaves, (unsigned long long)checksum, best);
    return 0;
}
