jsonfiles
start -p sacc0 --jsonfile twofields.json
