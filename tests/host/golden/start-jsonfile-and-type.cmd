jsonfiles
start -p sacc0 -t sacc-1q --jsonfile dev.json
