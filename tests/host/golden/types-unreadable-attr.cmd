broken-type
types
