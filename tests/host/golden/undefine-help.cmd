empty
undefine --help
