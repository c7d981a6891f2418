two-parents
@mdev-destroy-parent
