broken-def
list -d
