devices-jsonfiles
modify -u 11111111-0000-1000-8000-000000000004 --live --jsonfile dev.json
