two-parents
types --bogus
