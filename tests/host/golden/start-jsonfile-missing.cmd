jsonfiles
start -p sacc0 --jsonfile nosuch.json
