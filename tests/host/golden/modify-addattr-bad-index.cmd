devices
modify -u 11111111-0000-1000-8000-000000000001 --addattr x --value 1 --index 3
