jsonfiles
start -u 11111111-0000-1000-8000-000000000009 --jsonfile dev.json
