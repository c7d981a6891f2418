empty
define --help
