empty
--version
