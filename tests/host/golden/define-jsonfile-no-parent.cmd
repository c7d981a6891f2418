jsonfiles
define -u 11111111-0000-1000-8000-000000000007 --jsonfile dev.json
