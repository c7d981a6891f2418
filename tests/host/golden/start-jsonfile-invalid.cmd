jsonfiles
start -p sacc0 --jsonfile array.json
