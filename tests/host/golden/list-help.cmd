empty
list --help
