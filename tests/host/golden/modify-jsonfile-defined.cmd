devices-jsonfiles
modify --defined -u 11111111-0000-1000-8000-000000000006 -p mtty --jsonfile=noattrs.json
cat etc/mdevctl.d/mtty/11111111-0000-1000-8000-000000000006; echo
cat etc/mdevctl.d/sacc0/11111111-0000-1000-8000-000000000006; echo
