"""ThiDua Desktop Qt front end."""
