empty
start-parent-mdevs --help
