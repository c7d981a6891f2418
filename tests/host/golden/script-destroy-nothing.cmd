two-parents
@mdev-destroy-parent sacc0
