two-parents
types --parent SACC0
