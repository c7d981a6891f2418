empty
help list
