/* A plain C loop over a k-tape Turing machine's flat tables: the k-tape reference for bench_tm.py.
 *
 * Reads from stdin: "states symbols tapes budget repeats mode", then states*symbols^tapes lines
 * "next w_1 .. w_k d_1 .. d_k" (entry = state * symbols^tapes + read index, the read index
 * sum over tapes t of symbol_t * symbols^t; next -4 is an undefined transition, which writes
 * nothing; any next < 0 stops), then for mode 1 (batch) "min_len max_len a" and the a tape
 * codes of the input alphabet. Mode 0 runs from blank tapes; mode 1 runs every word over the
 * input alphabet of each length in min_len..max_len (on tape 1). Prints "steps ones seconds":
 * ones are the non-blank cells left on tape 1, seconds the fastest of `repeats` runs of the
 * whole work (mode 0: of the loop) in CPU time (clock_gettime, CLOCK_PROCESS_CPUTIME_ID).
 * The loop is the obvious one: k byte tapes allocated once, wide enough for the budget (no
 * growth, no bounds checks), the read index recomputed from the k cells under the heads each
 * step; after a run the cells its heads could have reached are cleared for the next.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TAPES 16
#define UNDEFINED (-4)

static int32_t *next_state;
static uint8_t *write_sym; /* entry * k + tape */
static int8_t *move_dir;   /* entry * k + tape */
static uint8_t *tape[MAX_TAPES];
static int64_t width;

/* Run on word[0..n) (n <= max_len) from blank tapes; return the steps. */
static int64_t run(int k, int m, int64_t reads, const uint8_t *word, int64_t n, int64_t budget) {
    int64_t start = budget + 1;
    int64_t head[MAX_TAPES];
    if (n > 0) memcpy(tape[0] + start, word, (size_t)n);
    for (int t = 0; t < k; t++) head[t] = start;
    int64_t steps = 0;
    int64_t state = 0;
    while (steps < budget) {
        int64_t read = 0;
        for (int t = k - 1; t >= 0; t--) read = read * m + tape[t][head[t]];
        int64_t i = state * reads + read;
        int32_t nxt = next_state[i];
        steps++;
        if (nxt == UNDEFINED) break;
        for (int t = 0; t < k; t++) {
            tape[t][head[t]] = write_sym[i * k + t];
            head[t] += move_dir[i * k + t];
        }
        if (nxt < 0) break;
        state = nxt;
    }
    return steps;
}

/* The non-blank cells of tape 1 after a run of `steps` steps on a word of length n; blanks
 * every cell the heads could have reached, ready for the next run. */
static int64_t ones_and_clear(int k, int64_t n, int64_t budget, int64_t steps) {
    int64_t start = budget + 1, count = 0;
    for (int64_t c = start - steps; c < start + n + steps; c++) count += tape[0][c] != 0;
    for (int t = 0; t < k; t++) memset(tape[t] + start - steps, 0, (size_t)(n + 2 * steps));
    return count;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(void) {
    int states, m, k, repeats, mode;
    long long budget;
    if (scanf("%d %d %d %lld %d %d", &states, &m, &k, &budget, &repeats, &mode) != 6) return 2;
    if (k < 1 || k > MAX_TAPES) return 2;
    int64_t reads = 1;
    for (int t = 0; t < k; t++) reads *= m;
    int64_t entries = states * reads;
    next_state = malloc((size_t)entries * sizeof *next_state);
    write_sym = malloc((size_t)(entries * k));
    move_dir = malloc((size_t)(entries * k));
    for (int64_t i = 0; i < entries; i++) {
        int nxt, v;
        if (scanf("%d", &nxt) != 1) return 2;
        next_state[i] = nxt;
        for (int t = 0; t < k; t++) {
            if (scanf("%d", &v) != 1) return 2;
            write_sym[i * k + t] = (uint8_t)v;
        }
        for (int t = 0; t < k; t++) {
            if (scanf("%d", &v) != 1) return 2;
            move_dir[i * k + t] = (int8_t)v;
        }
    }
    int min_len = 0, max_len = 0, a = 1;
    int codes[256] = {0};
    if (mode == 1) {
        if (scanf("%d %d %d", &min_len, &max_len, &a) != 3 || max_len > 64 || a > 256) return 2;
        for (int i = 0; i < a; i++)
            if (scanf("%d", &codes[i]) != 1) return 2;
    }
    width = 2 * budget + max_len + 2;
    for (int t = 0; t < k; t++) tape[t] = calloc((size_t)width, 1);
    double best = 1e300;
    long long total_steps = 0, total_ones = 0;
    for (int r = 0; r < repeats; r++) {
        double start = now(), seconds;
        int64_t steps = 0, ones = 0, s;
        if (mode == 0) { /* one long run: the loop alone is timed, not the clearing after it */
            steps = run(k, m, reads, NULL, 0, budget);
            seconds = now() - start;
            ones = ones_and_clear(k, 0, budget, steps);
        } else {
            uint8_t word[64];
            int digits[64];
            for (int n = min_len; n <= max_len; n++) {
                memset(digits, 0, sizeof digits);
                for (;;) {
                    for (int i = 0; i < n; i++) word[i] = (uint8_t)codes[digits[i]];
                    s = run(k, m, reads, word, n, budget);
                    ones += ones_and_clear(k, n, budget, s);
                    steps += s;
                    int i = n - 1; /* next word: count in base a, last symbol fastest */
                    while (i >= 0 && ++digits[i] == a) digits[i--] = 0;
                    if (i < 0) break;
                }
            }
            seconds = now() - start;
        }
        if (seconds < best) best = seconds;
        total_steps = steps;
        total_ones = ones;
    }
    printf("%lld %lld %.6f\n", total_steps, total_ones, best);
    return 0;
}
