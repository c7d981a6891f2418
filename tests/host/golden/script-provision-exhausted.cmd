exhausted
@mdev-provision sacc0 sacc-4q 2
