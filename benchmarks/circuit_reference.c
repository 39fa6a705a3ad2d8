/* A plain C bit-parallel circuit evaluator, 64 inputs per uint64 word: the reference for bench_circuits.py.
 *
 * Reads from stdin: "n_circuits repeats", then per circuit "n_inputs n_gates n_outputs", one line
 * "op a b" per gate and the n_outputs output literals. Nodes and literals are numbered as in
 * speedprior.circuits.circuit: node 0 is FALSE, nodes 1..n the inputs, then the gates in order; a
 * literal is 2*node + complement. `op` is the gate's 4-bit truth table with bit a + 2b = op(a, b);
 * a one-input gate is given with b = a. Evaluates every circuit on all 2^n inputs (input index i
 * has x_j = bit j of i), the whole set `repeats` times, and prints each output's words in hex
 * (word w holds inputs 64w..64w+63, bit r of it input 64w + r; past 2^n the bits of the single
 * word are junk when n < 6), one output per line in circuit order, then the fastest repeat in CPU
 * seconds (clock_gettime, CLOCK_PROCESS_CPUTIME_ID: on a shared machine the time other processes
 * take is not counted). A repeat is the whole job for each circuit: the input words, a fresh zeroed
 * table of node values, every gate and the output words.
 * The loop is the obvious one: gate by gate, a row of words per node.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* Every node's words on all inputs; the caller frees the table. */
static uint64_t *simulate(int n, int g, const int *ops, const int64_t *fa, const int64_t *fb, int64_t words) {
    uint64_t *values = calloc((size_t)(1 + n + g) * (size_t)words, sizeof(uint64_t));
    if (values == NULL) exit(3);
    for (int i = 0; i < n; i++) {
        uint64_t *row = values + (int64_t)(1 + i) * words;
        for (int64_t w = 0; w < words; w++) {
            if (i < 6) {  /* input i < 6 repeats within a word: 0xAAAA.., 0xCCCC.., 0xF0F0.., ... */
                static const uint64_t pattern[6] = {0xAAAAAAAAAAAAAAAAull, 0xCCCCCCCCCCCCCCCCull,
                                                    0xF0F0F0F0F0F0F0F0ull, 0xFF00FF00FF00FF00ull,
                                                    0xFFFF0000FFFF0000ull, 0xFFFFFFFF00000000ull};
                row[w] = pattern[i];
            } else {
                row[w] = ((w >> (i - 6)) & 1) ? ~0ull : 0;
            }
        }
    }
    for (int k = 0; k < g; k++) {
        const uint64_t *a = values + (fa[k] >> 1) * words, *b = values + (fb[k] >> 1) * words;
        uint64_t *out = values + (int64_t)(1 + n + k) * words;
        uint64_t ca = fa[k] & 1 ? ~0ull : 0, cb = fb[k] & 1 ? ~0ull : 0;
        /* op as four minterm masks: bit a + 2b of op selects the minterm (a, b) */
        uint64_t m00 = ops[k] & 1 ? ~0ull : 0, m10 = ops[k] & 2 ? ~0ull : 0;
        uint64_t m01 = ops[k] & 4 ? ~0ull : 0, m11 = ops[k] & 8 ? ~0ull : 0;
        for (int64_t w = 0; w < words; w++) {
            uint64_t x = a[w] ^ ca, y = b[w] ^ cb;
            out[w] = (~x & ~y & m00) | (x & ~y & m10) | (~x & y & m01) | (x & y & m11);
        }
    }
    return values;
}

typedef struct {
    int n, g, m;
    int *ops;
    int64_t *fa, *fb, *outputs;
    int64_t words;
    uint64_t *result; /* m rows of `words` words */
} circuit;

static int read_circuit(circuit *c) {
    if (scanf("%d %d %d", &c->n, &c->g, &c->m) != 3 || c->n < 0 || c->n > 30 || c->g < 0 || c->m < 0) return 0;
    c->ops = malloc(sizeof(int) * (size_t)(c->g + 1));
    c->fa = malloc(sizeof(int64_t) * (size_t)(c->g + 1));
    c->fb = malloc(sizeof(int64_t) * (size_t)(c->g + 1));
    c->outputs = malloc(sizeof(int64_t) * (size_t)(c->m + 1));
    for (int k = 0; k < c->g; k++) {
        long long a, b;
        if (scanf("%d %lld %lld", &c->ops[k], &a, &b) != 3) return 0;
        c->fa[k] = a;
        c->fb[k] = b;
    }
    for (int j = 0; j < c->m; j++) {
        long long lit;
        if (scanf("%lld", &lit) != 1) return 0;
        c->outputs[j] = lit;
    }
    c->words = c->n < 6 ? 1 : (int64_t)1 << (c->n - 6);
    c->result = malloc(sizeof(uint64_t) * (size_t)(c->m * c->words + 1));
    return 1;
}

static void truth_tables(circuit *c) {
    uint64_t *values = simulate(c->n, c->g, c->ops, c->fa, c->fb, c->words);
    for (int j = 0; j < c->m; j++) {
        const uint64_t *row = values + (c->outputs[j] >> 1) * c->words;
        uint64_t flip = c->outputs[j] & 1 ? ~0ull : 0;
        for (int64_t w = 0; w < c->words; w++) c->result[j * c->words + w] = row[w] ^ flip;
    }
    free(values);
}

int main(void) {
    int count, repeats;
    if (scanf("%d %d", &count, &repeats) != 2 || count < 0) return 2;
    circuit *circuits = calloc((size_t)count + 1, sizeof(circuit));
    for (int i = 0; i < count; i++)
        if (!read_circuit(&circuits[i])) return 2;
    double best = 1e300;
    for (int r = 0; r < repeats; r++) {
        double start = now();
        for (int i = 0; i < count; i++) truth_tables(&circuits[i]);
        double seconds = now() - start;
        if (seconds < best) best = seconds;
    }
    for (int i = 0; i < count; i++) {
        const circuit *c = &circuits[i];
        for (int j = 0; j < c->m; j++) {
            for (int64_t w = 0; w < c->words; w++) printf("%016llx", (unsigned long long)c->result[j * c->words + w]);
            printf("\n");
        }
    }
    printf("%.9f\n", best);
    return 0;
}
