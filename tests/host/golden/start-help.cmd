empty
start --help
