empty
@mdev-provision --help
