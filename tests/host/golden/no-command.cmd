empty

