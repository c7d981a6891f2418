two-parents
types sacc0
