empty
help
