empty
help frobnicate
