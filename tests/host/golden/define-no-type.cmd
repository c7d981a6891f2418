two-parents
define -p sacc0
