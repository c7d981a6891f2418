two-parents
types --help
