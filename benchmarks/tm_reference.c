/* A plain C loop over a 1-tape Turing machine's flat tables: the reference for bench_tm.py.
 *
 * Reads from stdin: "states symbols budget repeats mode", then states*symbols lines
 * "next write move" (next < 0 stops), then for mode 1 (batch) "min_len max_len k" and the k
 * tape codes of the input alphabet. Mode 0 runs from the blank tape; mode 1 runs every word
 * over the input alphabet of each length in min_len..max_len. Prints "steps ones seconds",
 * seconds the fastest of `repeats` runs of the whole work in CPU time (clock_gettime,
 * CLOCK_PROCESS_CPUTIME_ID: on a shared machine, time other processes take is not counted).
 * The loop is the obvious one: a byte tape that doubles when the head walks off an end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int32_t next_state[4096];
static uint8_t write_sym[4096];
static int8_t move_dir[4096];

static uint8_t *tape;
static int64_t size;

static int64_t grow(int64_t head) {
    int64_t shift = size / 2;
    uint8_t *grown = calloc((size_t)(size + 2 * shift), 1);
    memcpy(grown + shift, tape, (size_t)size);
    free(tape);
    tape = grown;
    size += 2 * shift;
    return head + shift;
}

/* Run on word[0..n); return the steps; *ones gets the non-blank cells left. */
static int64_t run(int m, const uint8_t *word, int64_t n, int64_t budget, int64_t *ones) {
    size = 2 * n + 1024;
    tape = calloc((size_t)size, 1);
    int64_t head = (size - n) / 2;
    memcpy(tape + head, word, (size_t)n);
    int64_t steps = 0;
    int32_t state = 0;
    while (steps < budget) {
        int i = state * m + tape[head];
        int32_t nxt = next_state[i];
        steps++;
        tape[head] = write_sym[i];
        head += move_dir[i];
        if (head < 0 || head >= size) head = grow(head);
        if (nxt < 0) break;
        state = nxt;
    }
    int64_t count = 0;
    for (int64_t c = 0; c < size; c++) count += tape[c] != 0;
    *ones = count;
    free(tape);
    return steps;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(void) {
    int states, m, repeats, mode;
    long long budget;
    if (scanf("%d %d %lld %d %d", &states, &m, &budget, &repeats, &mode) != 5) return 2;
    for (int i = 0; i < states * m; i++) {
        int nxt, w, d;
        if (scanf("%d %d %d", &nxt, &w, &d) != 3) return 2;
        next_state[i] = nxt;
        write_sym[i] = (uint8_t)w;
        move_dir[i] = (int8_t)d;
    }
    int min_len = 0, max_len = 0, k = 1;
    int codes[16] = {0};
    if (mode == 1) {
        if (scanf("%d %d %d", &min_len, &max_len, &k) != 3) return 2;
        for (int i = 0; i < k; i++)
            if (scanf("%d", &codes[i]) != 1) return 2;
    }
    double best = 1e300;
    long long total_steps = 0, total_ones = 0;
    for (int r = 0; r < repeats; r++) {
        double start = now();
        int64_t steps = 0, ones = 0, o;
        if (mode == 0) {
            steps = run(m, NULL, 0, budget, &ones);
        } else {
            uint8_t word[64];
            int digits[64];
            for (int n = min_len; n <= max_len; n++) {
                memset(digits, 0, sizeof digits);
                for (;;) {
                    for (int i = 0; i < n; i++) word[i] = (uint8_t)codes[digits[i]];
                    steps += run(m, word, n, budget, &o);
                    ones += o;
                    int i = n - 1;  /* next word: count in base k, last symbol fastest */
                    while (i >= 0 && ++digits[i] == k) digits[i--] = 0;
                    if (i < 0) break;
                }
            }
        }
        double seconds = now() - start;
        if (seconds < best) best = seconds;
        total_steps = steps;
        total_ones = ones;
    }
    printf("%lld %lld %.6f\n", total_steps, total_ones, best);
    return 0;
}
