two-parents
@mdev-provision sacc0 sacc-1q zero
