empty
stop --help
