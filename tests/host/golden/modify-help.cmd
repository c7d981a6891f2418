empty
modify --help
