"""`make demo` and `make serve`: the whole stack, against the bundled sandbox."""
