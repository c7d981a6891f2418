two-parents
types
