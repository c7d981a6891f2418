devices
modify -u 11111111-0000-1000-8000-000000000001 --addattr mode --value fast
cat etc/mdevctl.d/sacc0/11111111-0000-1000-8000-000000000001; echo
