"""Program search under speed priors: TNF enumeration, program spaces, tasks, dovetailing,
Levin search and computational annealing."""
