empty
frobnicate
