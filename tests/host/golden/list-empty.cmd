empty
list
