/* A plain C loop grading many machine tables on many input words: the reference for bench_search.py.
 *
 * Usage: grade_reference IN OUT REPEATS. IN holds a text header line
 * "machines size m budget words output_cells" and then, raw and little-endian, the machines'
 * flat tables (entry state * m + read): next states int32[machines*size], writes
 * uint8[machines*size], moves int8[machines*size]; each machine's stop code for an undefined
 * transition int32[machines]; its step cap int64[machines]; the words' cells uint8[...] with
 * offsets int64[words+1]; verdicts int8[words] (1 accept, 0 reject, -1 a function); expected
 * outputs uint8[output_cells] with offsets int64[words+1].
 * Does the work of src/speedprior/search/_kernels.py's two graders:
 * - grade: every machine on every word, within `budget` steps: steps, stop (the stop code, or
 *   the state when the budget ran out) and correct;
 * - verdict: each machine runs the words in order until one fails or all pass, within its cap:
 *   cost and result (1 solved, 0 failed, -1 the cap or the budget ran out first).
 * An undefined transition is one more step that stops with the machine's stop code. A decider
 * must stop in accept (-2) or reject (-3); a function's output runs from the head to a blank.
 * Writes steps int64, stops int64, correct uint8 (machines*words each), costs int64 and results
 * int64 (machines each) to OUT and prints "grade_seconds verdict_seconds", each the fastest of
 * REPEATS in CPU time (CLOCK_PROCESS_CPUTIME_ID: time other processes take is not counted).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define UNDEFINED (-4)

static int64_t machines, size, m, budget, nwords, ncells;
static int32_t *next_state, *undefined_code;
static uint8_t *write_sym, *cells, *outputs, *tape;
static int8_t *move_dir, *verdicts;
static int64_t *caps, *offsets, *out_offsets;
static int64_t *steps_out, *stops_out, *costs, *results;
static uint8_t *correct_out;

static void *load(FILE *f, size_t count, size_t each) {
    void *p = malloc(count * each + 1);
    if (fread(p, each, count, f) != count) {
        fprintf(stderr, "grade_reference: short input\n");
        exit(2);
    }
    return p;
}

/* One run of machine `i` on word j from a zeroed tape, within `limit` steps; the tape is wiped after. */
static int64_t run(int64_t i, int64_t j, int64_t limit, int64_t *stop, int *correct) {
    const int32_t *ns = next_state + i * size;
    const uint8_t *wr = write_sym + i * size;
    const int8_t *mv = move_dir + i * size;
    int64_t a = offsets[j], b = offsets[j + 1];
    int64_t head = budget + 1, lo = head, hi = head + (b > a ? b - a : 1) - 1;
    memcpy(tape + head, cells + a, (size_t)(b - a));
    int64_t steps = 0;
    int64_t state = 0;
    while (steps < limit) {
        int t = (int)state * (int)m + tape[head];
        int32_t nxt = ns[t];
        if (nxt == UNDEFINED) {
            steps++;
            state = undefined_code[i];
            break;
        }
        tape[head] = wr[t];
        head += mv[t];
        steps++;
        if (head < lo) lo = head;
        if (head > hi) hi = head;
        state = nxt;
        if (nxt < 0) break;
    }
    int ok = 0;
    if (state < 0) {
        if (verdicts[j] == 1) ok = state == -2;
        else if (verdicts[j] == 0) ok = state == -3;
        else {
            int64_t c = out_offsets[j], d = out_offsets[j + 1];
            ok = tape[head + (d - c)] == 0;
            for (int64_t k = 0; ok && k < d - c; k++) ok = tape[head + k] == outputs[c + k];
        }
    }
    memset(tape + lo, 0, (size_t)(hi - lo + 1));
    *stop = state;
    *correct = ok;
    return steps;
}

static void grade(void) {
    for (int64_t i = 0; i < machines; i++)
        for (int64_t j = 0; j < nwords; j++) {
            int ok;
            steps_out[i * nwords + j] = run(i, j, budget, &stops_out[i * nwords + j], &ok);
            correct_out[i * nwords + j] = (uint8_t)ok;
        }
}

static void verdict(void) {
    for (int64_t i = 0; i < machines; i++) {
        int64_t total = 0, result = 1;
        for (int64_t j = 0; j < nwords; j++) {
            int64_t limit = caps[i] - total < budget ? caps[i] - total : budget, stop;
            int ok;
            if (limit <= 0) {
                result = -1;
                break;
            }
            int64_t steps = run(i, j, limit, &stop, &ok);
            if (stop >= 0) {
                result = -1;
                break;
            }
            total += steps;
            if (!ok) {
                result = 0;
                break;
            }
        }
        costs[i] = result >= 0 ? total : caps[i] + 1;
        results[i] = result;
    }
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static double fastest(void (*work)(void), int repeats) {
    double best = 1e300;
    for (int r = 0; r < repeats; r++) {
        double start = now();
        work();
        double seconds = now() - start;
        if (seconds < best) best = seconds;
    }
    return best;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: grade_reference IN OUT REPEATS\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (f == NULL) return 2;
    long long h[6];
    if (fscanf(f, "%lld %lld %lld %lld %lld %lld", &h[0], &h[1], &h[2], &h[3], &h[4], &h[5]) != 6) return 2;
    if (fgetc(f) != '\n') return 2;
    machines = h[0], size = h[1], m = h[2], budget = h[3], nwords = h[4], ncells = h[5];
    next_state = load(f, (size_t)(machines * size), 4);
    write_sym = load(f, (size_t)(machines * size), 1);
    move_dir = load(f, (size_t)(machines * size), 1);
    undefined_code = load(f, (size_t)machines, 4);
    caps = load(f, (size_t)machines, 8);
    offsets = load(f, (size_t)(nwords + 1), 8);
    cells = load(f, (size_t)offsets[nwords], 1);
    verdicts = load(f, (size_t)nwords, 1);
    outputs = load(f, (size_t)ncells, 1);
    out_offsets = load(f, (size_t)(nwords + 1), 8);
    fclose(f);
    int64_t longest = 0, longest_output = 0;
    for (int64_t j = 0; j < nwords; j++) {
        if (offsets[j + 1] - offsets[j] > longest) longest = offsets[j + 1] - offsets[j];
        if (out_offsets[j + 1] - out_offsets[j] > longest_output) longest_output = out_offsets[j + 1] - out_offsets[j];
    }
    /* budget moves either way of the word, and room to read an output past the rightmost cell */
    tape = calloc((size_t)(2 * budget + longest + longest_output + 3), 1);
    steps_out = malloc((size_t)(machines * nwords) * 8);
    stops_out = malloc((size_t)(machines * nwords) * 8);
    correct_out = malloc((size_t)(machines * nwords));
    costs = malloc((size_t)machines * 8);
    results = malloc((size_t)machines * 8);
    int repeats = atoi(argv[3]);
    double grade_seconds = fastest(grade, repeats), verdict_seconds = fastest(verdict, repeats);
    FILE *o = fopen(argv[2], "wb");
    if (o == NULL) return 2;
    fwrite(steps_out, 8, (size_t)(machines * nwords), o);
    fwrite(stops_out, 8, (size_t)(machines * nwords), o);
    fwrite(correct_out, 1, (size_t)(machines * nwords), o);
    fwrite(costs, 8, (size_t)machines, o);
    fwrite(results, 8, (size_t)machines, o);
    fclose(o);
    printf("%.6f %.6f\n", grade_seconds, verdict_seconds);
    return 0;
}
