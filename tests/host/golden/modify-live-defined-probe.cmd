devices
modify --defined --live --jsonfile b --help
