empty
list foo
