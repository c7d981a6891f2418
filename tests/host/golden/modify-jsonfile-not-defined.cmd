devices-jsonfiles
modify -u 11111111-0000-1000-8000-000000000002 --jsonfile dev.json
ls etc/mdevctl.d/sacc0
