jsonfiles
define -p sacc0 --auto --jsonfile dev.json
