empty
types
